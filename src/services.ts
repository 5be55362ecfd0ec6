import { DataSource } from "typeorm";
import type { Config } from "./config";
import { ApiKeyAuthenticator } from "./auth/api-key-auth";
import { VerificationCache } from "./auth/verify-cache";
import { Authenticator } from "./auth/authenticate";
import { Identities } from "./auth/identity";
import { PlatformKeyAuthenticator } from "./auth/platform-key-auth";
import { JwtService } from "./auth/jwt";
import { TransactionRunner } from "./db/transaction";
import { Metrics } from "./http/metrics";
import { RateLimits } from "./http/rate-limit";
import { ApiKeyService } from "./modules/api-key/api-key.service";
import { OrganizationAdmin } from "./modules/organization/organization.admin";
import { OrganizationService } from "./modules/organization/organization.service";
import { PlatformOrganizations } from "./modules/organization/organization.platform";
import { WorkspaceService } from "./modules/workspace/workspace.service";
import { UserService } from "./modules/user/user.service";
import { DocumentService } from "./modules/document/document.service";
import { PlatformKeyService } from "./modules/platform-key/platform-key.service";
import { VerificationService } from "./modules/verification/verification.service";
import { UsageCounter } from "./modules/usage/usage.counter";
import { UsageService } from "./modules/usage/usage.service";
import { AuditService } from "./modules/audit/audit.service";
import { auditLog } from "./modules/audit/audit.log";
import { SecretScanning } from "./modules/leaks/secret-scanning";
import { WebhookDispatcher } from "./modules/webhooks/webhook.dispatcher";
import { webhookOutbox } from "./modules/webhooks/webhook.events";
import { WebhookService } from "./modules/webhooks/webhook.service";

/** The application's services, built once per process around one DataSource. */
export function createServices(db: DataSource, config: Config) {
  const metrics = new Metrics(db);
  const tx = new TransactionRunner(
    db,
    (errno) => metrics.transactionRetries.inc({ errno: String(errno) }),
    () => metrics.afterCommitFailures.inc(), // never silent: an after-commit subscriber that fails is counted
  );
  // every change, from every service, CLI included, is audited inside its own transaction
  tx.subscribe(auditLog);
  // key events reach the outbox in the same transaction; the dispatcher is woken after the commit
  const webhookDispatcher = new WebhookDispatcher(db, tx, config.webhooks);
  tx.subscribe(webhookOutbox(() => webhookDispatcher.wake()));
  const jwt = new JwtService(config);
  const organizationAdmin = new OrganizationAdmin(db, tx);
  const rateLimits = new RateLimits(config);
  const usageCounter = new UsageCounter(tx, db.options.type === "better-sqlite3", config.usageFlushSeconds * 1000, () =>
    metrics.usageFlushFailures.inc(),
  );
  // the optional verification cache: every committed change drops its organization's keys on every process
  const verifyCache =
    config.verifyCacheTtlMs > 0
      ? new VerificationCache(config.verifyCacheTtlMs, config.rateLimits.redisUrl!, undefined, (result) =>
          metrics.verifyCacheLookups.inc({ result }),
        )
      : undefined;
  if (verifyCache) tx.subscribe(verifyCache.subscriber());
  const apiKeyAuthenticator = new ApiKeyAuthenticator(
    db,
    tx,
    usageCounter,
    (outcome) => metrics.keyAuthentications.inc({ outcome }),
    verifyCache,
  );
  return {
    metrics,
    rateLimits,
    db,
    config,
    tx,
    jwt,
    authenticator: new Authenticator(
      db,
      jwt,
      apiKeyAuthenticator,
      new PlatformKeyAuthenticator(db, tx),
      new Identities(db, tx, config.jwt),
    ),
    verification: new VerificationService(db, apiKeyAuthenticator, rateLimits, usageCounter),
    usageCounter,
    verifyCache,
    usage: new UsageService(db),
    audit: new AuditService(db, config.auditRetentionDays),
    secretScanning: new SecretScanning(tx, config.secretScanningKeysUrl),
    webhookDispatcher,
    webhooks: new WebhookService(db, tx, config, webhookDispatcher),
    organizations: new OrganizationService(db, tx, config),
    organizationAdmin,
    platformOrganizations: new PlatformOrganizations(db, tx, organizationAdmin),
    workspaces: new WorkspaceService(db, tx),
    users: new UserService(db, tx),
    documents: new DocumentService(db, tx),
    apiKeys: new ApiKeyService(db, tx, config),
    platformKeys: new PlatformKeyService(db, tx),
  };
}

export type Services = ReturnType<typeof createServices>;
