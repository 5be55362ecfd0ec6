import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import { v7 as uuidv7 } from "uuid";
import type { Change, WriteSubscriber } from "../../db/transaction";
import { requestOrigin } from "../../common/request-origin";
import { AuditEvent } from "./audit.entity";

/** Fields never written to the audit log, whatever a service records (defence in depth: none records them today). */
const SECRET_FIELDS = new Set(["token", "tokenHash", "signingSecret", "secret", "password"]);

function withoutSecrets(changes: Change["changes"]): AuditEvent["changes"] {
  if (!changes) return null;
  return Object.fromEntries(Object.entries(changes).filter(([field]) => !SECRET_FIELDS.has(field)));
}

/** An audit row for a change, with the request's origin when it runs for one. */
export function auditRowOf(change: Change): AuditEvent {
  const origin = requestOrigin.getStore();
  return Object.assign(new AuditEvent(), {
    // time-ordered ids (UUIDv7, monotonic in a process): the changes of one transaction share its instant and keep
    // their order under the list's (createdAt, id) keyset
    id: uuidv7(),
    organizationId: change.organizationId || null,
    action: change.action,
    environment: change.environment ?? null,
    actorType: change.actor.kind,
    actorId: "id" in change.actor ? change.actor.id : null,
    actorDisplay: change.actor.display?.slice(0, 255) ?? null,
    targetType: change.target.type,
    targetId: change.target.id,
    changes: withoutSecrets(change.changes),
    ip: origin?.ip ?? null,
    userAgent: origin?.userAgent ?? null,
    requestId: origin?.requestId ?? null,
    createdAt: change.at,
  });
}

/**
 * The audit log as a write subscriber: every recorded change becomes a row inside the changing transaction, so a
 * change that rolls back leaves no row, and a row that cannot be written rolls the change back.
 */
export const auditLog: WriteSubscriber = {
  async inTransaction(m, changes) {
    const rows = changes.map(auditRowOf);
    // (the JSON column's type is wider than TypeORM's deep-partial insert type can express)
    const values = rows as unknown as QueryDeepPartialEntity<AuditEvent>[];
    for (let i = 0; i < values.length; i += 200) await m.getRepository(AuditEvent).insert(values.slice(i, i + 200));
  },
};
