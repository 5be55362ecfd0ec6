import { ApiKey, ApiKeyWorkspace } from "../modules/api-key/api-key.entity";
import { Document } from "../modules/document/document.entity";
import { Organization } from "../modules/organization/organization.entity";
import { PlatformKey } from "../modules/platform-key/platform-key.entity";
import { User, UserWorkspace } from "../modules/user/user.entity";
import { ApiKeyUsage } from "../modules/usage/usage.entity";
import { AuditEvent } from "../modules/audit/audit.entity";
import { WebhookDelivery, WebhookEndpoint } from "../modules/webhooks/webhook.entity";
import { Workspace } from "../modules/workspace/workspace.entity";

export const entities = [
  Organization,
  Workspace,
  User,
  UserWorkspace,
  ApiKey,
  ApiKeyWorkspace,
  Document,
  PlatformKey,
  ApiKeyUsage,
  AuditEvent,
  WebhookEndpoint,
  WebhookDelivery,
];
