import type { DataSource } from "typeorm";
import { onReplica } from "../../db/replica";
import type { Principal } from "../../auth/principal";
import { isId } from "../../common/ids";
import {
  emptyPage,
  newestFirst,
  parsePageArgs,
  readPage,
  type Connection,
  type PageArgs,
} from "../../common/pagination";
import { distinctItems } from "../../common/text";
import { AuditEvent } from "./audit.entity";
import { AuditActorType, type AuditEventFilter, type AuditEventNode } from "./audit.types";

const ORDER = newestFirst<AuditEvent>("a");
const DAY_MS = 24 * 60 * 60 * 1000;
const PURGE_BATCH = 1000;
/** The MySQL/MariaDB named lock that lets one process purge at a time. */
const PURGE_LOCK = "latchkey_audit_purge";

const ACTOR_TYPES: Record<string, AuditActorType> = {
  user: AuditActorType.USER,
  apiKey: AuditActorType.API_KEY,
  platformKey: AuditActorType.PLATFORM_KEY,
  operator: AuditActorType.OPERATOR,
  scanner: AuditActorType.SCANNER,
};

/** A row as the API shows it. */
export function auditNodeOf(row: AuditEvent): AuditEventNode {
  return {
    id: row.id,
    action: row.action,
    actor: { type: ACTOR_TYPES[row.actorType] ?? AuditActorType.OPERATOR, id: row.actorId, display: row.actorDisplay },
    environment: row.environment as AuditEventNode["environment"],
    target: { type: row.targetType, id: row.targetId },
    changes: row.changes,
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
    createdAt: row.createdAt,
  };
}

/** Reads the audit log of one organization, and purges what is older than the retention. */
export class AuditService {
  private purging = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly retentionDays: number,
  ) {}

  /** The organization's events, newest first, filtered and keyset-paged. @throws BAD_USER_INPUT */
  async list(
    principal: Principal,
    args: PageArgs & { filter?: AuditEventFilter | null },
  ): Promise<Connection<AuditEventNode>> {
    const page = parsePageArgs(args, ORDER.sort.key);
    const f = args.filter ?? {};
    const actions = distinctItems("filter.action", f.action);
    // a list for people: a read replica may answer (db/replica.ts)
    return onReplica(this.db, async (m) => {
      const qb = m
        .getRepository(AuditEvent)
        .createQueryBuilder("a")
        .where("a.organization_id = :org", { org: principal.organizationId });
      if (actions.length) qb.andWhere("a.action IN (:...actions)", { actions });
      for (const [column, value] of [
        ["actor_id", f.actorId],
        ["target_id", f.targetId],
      ] as const) {
        if (value == null) continue;
        if (!isId(value)) return emptyPage(page);
        qb.andWhere(`a.${column} = :${column}`, { [column]: value });
      }
      if (f.environment) qb.andWhere("a.environment = :env", { env: f.environment });
      if (f.from) qb.andWhere("a.created_at >= :from", { from: f.from });
      if (f.to) qb.andWhere("a.created_at < :to", { to: f.to });
      const rows = await readPage(qb, ORDER, page);
      return Object.assign(rows, { nodes: rows.nodes.map(auditNodeOf) }) as unknown as Connection<AuditEventNode>;
    });
  }

  /** Purges now and then every hour until stop(); failures are told to `onError` and retried the next hour. */
  start(onError: (error: unknown) => void): void {
    if (this.timer) return;
    const run = () => void this.purge().catch(onError);
    this.timer = setInterval(run, 60 * 60 * 1000);
    this.timer.unref();
    setImmediate(run);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Deletes events older than the retention, in batches. One purge at a time across processes (a named lock on
   * MySQL/MariaDB; SQLite serializes writers itself): `ran` is false when another held it.
   */
  async purge(now = new Date()): Promise<{ ran: boolean; deleted: number }> {
    if (this.purging) return { ran: false, deleted: 0 };
    this.purging = true;
    const cutoff = new Date(now.getTime() - this.retentionDays * DAY_MS);
    const sqlite = this.db.options.type === "better-sqlite3";
    const runner = this.db.createQueryRunner();
    try {
      if (!sqlite) {
        const [lock] = (await runner.query("SELECT GET_LOCK(?, 0) AS got", [PURGE_LOCK])) as { got: unknown }[];
        if (Number(lock?.got) !== 1) return { ran: false, deleted: 0 };
      }
      let deleted = 0;
      try {
        for (;;) {
          const ids = (
            await this.db
              .getRepository(AuditEvent)
              .createQueryBuilder("a")
              .select("a.id", "id")
              .where("a.created_at < :cutoff", { cutoff })
              .orderBy("a.created_at", "ASC")
              .limit(PURGE_BATCH)
              .getRawMany<{ id: string }>()
          ).map((r) => r.id);
          if (ids.length === 0) break;
          await this.db.getRepository(AuditEvent).delete(ids);
          deleted += ids.length;
          if (ids.length < PURGE_BATCH) break;
        }
      } finally {
        if (!sqlite) await runner.query("SELECT RELEASE_LOCK(?)", [PURGE_LOCK]);
      }
      return { ran: true, deleted };
    } finally {
      await runner.release();
      this.purging = false;
    }
  }
}
