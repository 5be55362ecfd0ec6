import { DataSource, EntityManager, type EntityTarget, type ObjectLiteral } from "typeorm";
import type { RequestOrigin } from "../common/request-origin";

type IsolationLevel = "READ COMMITTED" | "REPEATABLE READ" | "SERIALIZABLE";

/** MySQL/MariaDB errors after which the whole transaction is safe to run again. */
const RETRYABLE_MYSQL_ERRORS = new Set([1213 /* ER_LOCK_DEADLOCK */, 1205 /* ER_LOCK_WAIT_TIMEOUT */]);
/**
 * A transaction is run again after a deadlock or lock timeout, with exponential backoff and full jitter (≤ 4, 8, …
 * 256 ms, then 256 ms), for up to 10 s since its first attempt (and 100 attempts). A single server's deadlocks
 * need one or two more attempts; a Galera cluster answers concurrent holders of one organization's lock on
 * different nodes with certification failures (1213), one winner per round, so a burst over three nodes makes
 * some transactions lose many rounds in a row (test/cluster: 220 creations at once, up to ~40 attempts).
 */
const MAX_ATTEMPTS = 100;
const RETRY_DEADLINE_MS = 10_000;
const backoffMs = (attempt: number) => Math.random() * Math.min(256, 2 ** (attempt + 1));

function errnoOf(error: unknown): number {
  const driverError = (error as { driverError?: { errno?: number } })?.driverError ?? (error as { errno?: number });
  return driverError?.errno ?? -1;
}

const isRetryable = (error: unknown) => RETRYABLE_MYSQL_ERRORS.has(errnoOf(error));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Who made a change: a user, an API key, a platform key, the operator (CLI, seeding), or a secret scanner; `display`
 * is how people recognise it (an email, a token hint), never a secret.
 */
export type ChangeActor = (
  | { kind: "user" | "apiKey" | "platformKey"; id: string; display?: string }
  | { kind: "operator" | "scanner"; display?: string }
) & {
  /** The request the change was made in (address, user agent, request id); absent outside one (CLI, timers). */
  origin?: RequestOrigin;
};

/** One change a write made, as subscribers see it (never a secret: no token, no hash). */
export interface Change {
  /** e.g. `api_key.created`, `api_key.revoked`, `workspace.deleted`, `user.role_changed` */
  action: string;
  /** The organization the target belongs to ("" for a platform key, which belongs to none). */
  organizationId: string;
  /** The target's environment, when it has one (keys, documents). */
  environment?: string | null;
  target: { type: string; id: string };
  actor: ChangeActor;
  /** Changed fields, old → new (absent for creations and deletions). */
  changes?: Record<string, { from: unknown; to: unknown }>;
  /** The transaction's instant (the changed rows' updatedAt). */
  at: Date;
}

/**
 * Listens to every committed write. `inTransaction` runs inside the writing transaction, after the
 * service's work and before the commit, with that transaction's manager (an audit row or an outbox
 * entry commits or rolls back with the change); `afterCommit` runs once it is committed (cache
 * invalidation, metrics) and never makes the write fail.
 */
export interface WriteSubscriber {
  inTransaction?(m: EntityManager, changes: readonly Change[]): Promise<void>;
  afterCommit?(changes: readonly Change[]): void | Promise<void>;
}

const toJson = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/**
 * The one way services write: each call writes through the transaction's manager, sets the
 * timestamps, and records what changed for the subscribers. A service never knows who listens.
 */
export class Writes {
  readonly changes: Change[] = [];

  constructor(
    readonly manager: EntityManager,
    readonly actor: ChangeActor,
    readonly now = new Date(),
  ) {}

  /** Records a change the service made some other way (a bulk statement, say). */
  record(change: Omit<Change, "actor" | "at"> & { actor?: ChangeActor }): void {
    this.changes.push({ ...change, actor: change.actor ?? this.actor, at: this.now });
  }

  /** Inserts rows with createdAt/updatedAt set to the transaction's instant unless given; records `action` per row. */
  async insert<T extends ObjectLiteral & { id: string }>(
    target: EntityTarget<T>,
    rows: T | T[],
    action: string,
    type = actionType(action),
  ): Promise<void> {
    const list = Array.isArray(rows) ? rows : [rows];
    if (list.length === 0) return;
    const columns = this.manager.connection.getMetadata(target);
    const stamped = ["createdAt", "updatedAt"].filter((property) => columns.findColumnWithPropertyName(property));
    for (const row of list) for (const property of stamped) (row as ObjectLiteral)[property] ??= this.now;
    await this.manager.getRepository(target).insert(list);
    for (const row of list)
      this.record({
        action,
        organizationId: organizationOf(row, type),
        environment: environmentOf(row),
        target: { type, id: row.id },
      });
  }

  /**
   * Sets `patch` on `row` (in the database and on the object), with updatedAt; records `action` with the
   * fields that really changed, old → new. Nothing changed: nothing written, nothing recorded.
   */
  async update<T extends ObjectLiteral & { id: string }>(
    target: EntityTarget<T>,
    row: T,
    patch: Partial<T>,
    action: string,
    type = actionType(action),
  ): Promise<boolean> {
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [field, to] of Object.entries(patch)) {
      const from: unknown = row[field];
      // compared as JSON: a JSON column's equal object or list is no change
      if (JSON.stringify(toJson(from)) !== JSON.stringify(toJson(to)))
        changes[field] = { from: toJson(from), to: toJson(to) };
    }
    if (Object.keys(changes).length === 0) return false;
    const stampsUpdate =
      this.manager.connection.getMetadata(target).findColumnWithPropertyName("updatedAt") !== undefined;
    const values = { ...patch, ...(stampsUpdate ? { updatedAt: this.now } : {}) } as Partial<T>;
    await this.manager.getRepository(target).update({ id: row.id } as never, values);
    Object.assign(row, values);
    this.record({
      action,
      organizationId: organizationOf(row, type),
      environment: environmentOf(row),
      target: { type, id: row.id },
      changes,
    });
    return true;
  }

  /** Deletes the row by id; records `action`. */
  async delete<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    row: { id: string; organizationId?: string; environment?: string },
    action: string,
    type = actionType(action),
  ) {
    await this.manager.getRepository(target).delete({ id: row.id } as never);
    this.record({
      action,
      organizationId: organizationOf(row, type),
      environment: environmentOf(row),
      target: { type, id: row.id },
    });
  }
}

/** An organization's own row is its organization; a row of no organization (a platform key) has "". */
const organizationOf = (row: { id: string; organizationId?: unknown }, type: string): string =>
  typeof row.organizationId === "string" ? row.organizationId : type === "organization" ? row.id : "";

/** A key's or document's environment (rows without one: null). */
const environmentOf = (row: object): string | null =>
  "environment" in row && typeof row.environment === "string" ? row.environment : null;

/** `api_key.created` → `api_key`. */
const actionType = (action: string) => action.slice(0, action.lastIndexOf(".")) || action;

/**
 * Runs every write of the application. On MySQL: one transaction, retried whole on deadlock.
 * On SQLite (one shared connection): transactions are queued one after another, so concurrent
 * requests never interleave inside one connection's transaction. Every run's recorded changes go
 * to the subscribers: inside the transaction, then after its commit.
 */
export class TransactionRunner {
  private sqliteQueue: Promise<unknown> = Promise.resolve();
  private readonly sqlite: boolean;
  private readonly subscribers: WriteSubscriber[] = [];

  constructor(
    private readonly dataSource: DataSource,
    /** Told of every retry (the MySQL error number), e.g. to count them in /metrics. */
    private readonly onRetry: (errno: number) => void = () => undefined,
    /** Told of a subscriber's failure after a commit (the write itself stands). */
    private readonly onAfterCommitError: (error: unknown) => void = () => undefined,
    /** The retry budget: MAX_ATTEMPTS attempts within RETRY_DEADLINE_MS unless a test says otherwise. */
    private readonly retry: { maxAttempts?: number; deadlineMs?: number } = {},
  ) {
    this.sqlite = dataSource.options.type === "better-sqlite3";
  }

  subscribe(subscriber: WriteSubscriber): () => void {
    this.subscribers.push(subscriber);
    return () => void this.subscribers.splice(this.subscribers.indexOf(subscriber), 1);
  }

  /** Runs `work` in one transaction; what it records through `writes` reaches the subscribers. */
  /** `run` for a change made by `actor` (a service acting for the request's principal). */
  runAs<T>(actor: ChangeActor, work: (tx: EntityManager, writes: Writes) => Promise<T>): Promise<T> {
    return this.run(work, { actor });
  }

  async run<T>(
    work: (tx: EntityManager, writes: Writes) => Promise<T>,
    options: { actor?: ChangeActor; isolation?: IsolationLevel } = {},
  ): Promise<T> {
    let committed: Change[] = [];
    const attempt = async (m: EntityManager) => {
      const writes = new Writes(m, options.actor ?? { kind: "operator" });
      const result = await work(m, writes);
      for (const subscriber of this.subscribers)
        if (subscriber.inTransaction && writes.changes.length) await subscriber.inTransaction(m, writes.changes);
      committed = writes.changes;
      return result;
    };
    const result = await this.transaction(attempt, options.isolation ?? "READ COMMITTED");
    if (committed.length) {
      for (const subscriber of this.subscribers) {
        try {
          await subscriber.afterCommit?.(committed);
        } catch (error) {
          this.onAfterCommitError(error);
        }
      }
    }
    return result;
  }

  private async transaction<T>(work: (tx: EntityManager) => Promise<T>, isolation: IsolationLevel): Promise<T> {
    if (this.sqlite) {
      const result = this.sqliteQueue.then(() => this.dataSource.transaction(work));
      this.sqliteQueue = result.catch(() => undefined);
      return result;
    }
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(isolation, work);
      } catch (error) {
        const exhausted =
          attempt >= (this.retry.maxAttempts ?? MAX_ATTEMPTS) ||
          Date.now() - started >= (this.retry.deadlineMs ?? RETRY_DEADLINE_MS);
        if (exhausted || !isRetryable(error)) throw error;
        this.onRetry(errnoOf(error));
        await sleep(backoffMs(attempt));
      }
    }
  }
}
