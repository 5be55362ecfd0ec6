import { v7 as uuidv7 } from "uuid";
import type { Change, WriteSubscriber } from "../../db/transaction";
import { datetimeParam } from "../../db/rows";
import { AuditEvent } from "./audit.entity";

/** Fields never written to the audit log, whatever a service records (defence in depth: none records them today). */
const SECRET_FIELDS = new Set(["token", "tokenHash", "signingSecret", "secret", "password"]);

/** A URL's query string and fragment may carry a credential (webhook URLs often do): kept out of the log. */
const withoutQuery = (value: unknown) =>
  typeof value === "string" ? value.replace(/[?#].*$/s, (rest) => (rest ? "?[redacted]" : rest)) : value;

function withoutSecrets(changes: Change["changes"]): AuditEvent["changes"] {
  if (!changes) return null;
  return Object.fromEntries(
    Object.entries(changes)
      .filter(([field]) => !SECRET_FIELDS.has(field))
      .map(([field, change]) =>
        field === "url" ? [field, { from: withoutQuery(change.from), to: withoutQuery(change.to) }] : [field, change],
      ),
  );
}

/** An audit row for a change, with the request's origin when it runs for one. */
export function auditRowOf(change: Change): AuditEvent {
  const origin = change.actor.origin;
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

const COLUMNS = [
  "id",
  "organization_id",
  "action",
  "environment",
  "actor_type",
  "actor_id",
  "actor_display",
  "target_type",
  "target_id",
  "changes",
  "ip",
  "user_agent",
  "request_id",
  "created_at",
];
const ROWS_PER_STATEMENT = 100;

/**
 * The audit log as a write subscriber: every recorded change becomes a row inside the changing transaction, so a
 * change that rolls back leaves no row, and a row that cannot be written rolls the change back. One plain
 * multi-row INSERT per transaction (TypeORM's insert builder cost more than the row on this path: every write).
 */
export const auditLog: WriteSubscriber = {
  async inTransaction(m, changes) {
    const sqlite = m.connection.options.type === "better-sqlite3";
    const rows = changes.map(auditRowOf);
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
      const placeholders = chunk.map(() => `(${COLUMNS.map(() => "?").join(", ")})`).join(", ");
      const params = chunk.flatMap((r) => [
        r.id,
        r.organizationId,
        r.action,
        r.environment,
        r.actorType,
        r.actorId,
        r.actorDisplay,
        r.targetType,
        r.targetId,
        r.changes === null ? null : JSON.stringify(r.changes),
        r.ip,
        r.userAgent,
        r.requestId,
        datetimeParam(sqlite, r.createdAt),
      ]);
      await m.query(`INSERT INTO audit_event (${COLUMNS.join(", ")}) VALUES ${placeholders}`, params);
    }
  },
};
