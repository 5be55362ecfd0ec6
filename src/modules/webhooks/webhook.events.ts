import type { EntityManager } from "typeorm";
import { v7 as uuidv7 } from "uuid";
import type { Change, WriteSubscriber } from "../../db/transaction";
import { ApiKey, statusOf } from "../api-key/api-key.entity";
import { WebhookDelivery, WebhookEndpoint } from "./webhook.entity";

/** The events an endpoint may subscribe to (exactly these names). */
export const WEBHOOK_EVENTS = [
  "api_key.created",
  "api_key.rolled",
  "api_key.suspended",
  "api_key.resumed",
  "api_key.revoked",
  "api_key.expiring",
  "api_key.leaked",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const isWebhookEvent = (name: string): name is WebhookEvent =>
  (WEBHOOK_EVENTS as readonly string[]).includes(name);

/** What an event says of its key: never the token or its hash. */
export function keySummary(key: ApiKey, now: Date) {
  return {
    id: key.id,
    description: key.description,
    environment: key.environment,
    scope: key.scope,
    permission: key.permission,
    status: statusOf(key, now),
    tokenHint: key.tokenHint,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    suspendedAt: key.suspendedAt?.toISOString() ?? null,
    rolledFromId: key.rolledFromId,
    rolledToId: key.rolledToId,
  };
}

/** The body of one event: `{ type, timestamp, data }` (Standard Webhooks' shape). */
export function eventBody(type: string, at: Date, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp: at.toISOString(), data });
}

/** A new outbox row for an endpoint, due now. */
export function outboxRow(
  endpoint: Pick<WebhookEndpoint, "id" | "organizationId">,
  type: string,
  payload: string,
  at: Date,
): WebhookDelivery {
  return Object.assign(new WebhookDelivery(), {
    id: uuidv7(),
    organizationId: endpoint.organizationId,
    endpointId: endpoint.id,
    eventType: type,
    payload,
    status: "PENDING",
    attempts: 0,
    nextAttemptAt: at,
    lockedUntil: null,
    lastAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
    deliveredAt: null,
    createdAt: at,
  });
}

/**
 * The enabled endpoints of an organization and environment subscribed to an event. A plain statement (on every key
 * change: most organizations have no endpoint, and the answer is then one index probe).
 */
async function subscribers(
  m: EntityManager,
  organizationId: string,
  environment: string,
  event: string,
): Promise<Pick<WebhookEndpoint, "id" | "organizationId">[]> {
  const rows = await m.query<{ id: string; events: string }[]>(
    "SELECT id, events FROM webhook_endpoint WHERE organization_id = ? AND environment = ? AND disabled_at IS NULL",
    [organizationId, environment],
  );
  return rows
    .filter((row) => (JSON.parse(row.events) as string[]).includes(event))
    .map((row) => ({ id: row.id, organizationId }));
}

/**
 * The outbox as a write subscriber: an announced change of a key becomes one delivery row per subscribed endpoint of
 * its organization and environment, in the changing transaction (a change that rolls back announces nothing; a
 * committed one is never lost).
 */
export function webhookOutbox(onQueued: () => void): WriteSubscriber {
  // the transactions that queued deliveries (their change lists, the same array in both hooks): only those wake the
  // dispatcher after their commit — waking it for every key change cost a claim transaction per write
  const queued = new WeakSet<readonly Change[]>();
  return {
    async inTransaction(m, changes) {
      const rows: WebhookDelivery[] = [];
      for (const change of changes) {
        if (!isWebhookEvent(change.action) || change.target.type !== "api_key" || !change.environment) continue;
        const endpoints = await subscribers(m, change.organizationId, change.environment, change.action);
        if (endpoints.length === 0) continue;
        const key = await m.getRepository(ApiKey).findOneBy({ id: change.target.id });
        if (!key) continue;
        const payload = eventBody(change.action, change.at, {
          organizationId: change.organizationId,
          apiKey: keySummary(key, change.at),
          actor: actorOf(change),
          ...(change.changes ? { changes: change.changes } : {}),
        });
        for (const endpoint of endpoints) rows.push(outboxRow(endpoint, change.action, payload, change.at));
      }
      if (rows.length) {
        await m.getRepository(WebhookDelivery).insert(rows);
        queued.add(changes);
      }
    },
    afterCommit(changes) {
      if (queued.has(changes)) onQueued();
    },
  };
}

const actorOf = (change: Change) => ({
  type: change.actor.kind,
  id: "id" in change.actor ? change.actor.id : null,
  display: change.actor.display ?? null,
});
