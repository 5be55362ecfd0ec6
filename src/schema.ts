import "reflect-metadata";
import { GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { DateTimeResolver } from "graphql-scalars";
import { buildSchema } from "type-graphql";
import { applyPermissions } from "./auth/permissions";
import { ApiKeyResolver } from "./modules/api-key/api-key.resolver";
import { OrganizationResolver } from "./modules/organization/organization.resolver";
import { PlatformOrganizationResolver } from "./modules/organization/organization.platform.resolver";
import { UserResolver } from "./modules/user/user.resolver";
import { WorkspaceResolver } from "./modules/workspace/workspace.resolver";
import { DocumentResolver } from "./modules/document/document.resolver";
import { VerificationResolver } from "./modules/verification/verification.resolver";
import { ApiKeyUsageResolver, OrganizationUsageResolver } from "./modules/usage/usage.resolver";
import { AuditResolver } from "./modules/audit/audit.resolver";
import { WebhookDeliveryResolver, WebhookResolver } from "./modules/webhooks/webhook.resolver";

/** The type-graphql schema without authorization (what `schema/schema.graphql` prints). */
export function buildBareSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      OrganizationResolver,
      PlatformOrganizationResolver,
      ApiKeyResolver,
      WorkspaceResolver,
      UserResolver,
      DocumentResolver,
      VerificationResolver,
      ApiKeyUsageResolver,
      OrganizationUsageResolver,
      AuditResolver,
      WebhookResolver,
      WebhookDeliveryResolver,
    ],
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    emitSchemaFile: false,
  });
}

/** The served schema: every field behind graphql-shield (deny by default). */
export async function buildAppSchema(): Promise<GraphQLSchema> {
  return applyPermissions(await buildBareSchema());
}

/**
 * SDL sorted by name (types, fields, arguments, enum values), for the committed schema file and its drift
 * check: declaration order followed the order modules were imported in, so moving code changed the file.
 */
export const printSortedSchema = (schema: GraphQLSchema) => printSchema(lexicographicSortSchema(schema)) + "\n";
