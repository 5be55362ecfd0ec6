import { DataSource, EntityManager } from "typeorm";

type IsolationLevel = "READ COMMITTED" | "REPEATABLE READ" | "SERIALIZABLE";

/** MySQL/MariaDB errors after which the whole transaction is safe to run again. */
const RETRYABLE_MYSQL_ERRORS = new Set([1213 /* ER_LOCK_DEADLOCK */, 1205 /* ER_LOCK_WAIT_TIMEOUT */]);
const MAX_ATTEMPTS = 5;

function errnoOf(error: unknown): number {
  const driverError = (error as { driverError?: { errno?: number } })?.driverError ?? (error as { errno?: number });
  return driverError?.errno ?? -1;
}

const isRetryable = (error: unknown) => RETRYABLE_MYSQL_ERRORS.has(errnoOf(error));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs every write of the application. On MySQL: one transaction, retried whole on deadlock.
 * On SQLite (one shared connection): transactions are queued one after another, so concurrent
 * requests never interleave inside one connection's transaction.
 */
export class TransactionRunner {
  private sqliteQueue: Promise<unknown> = Promise.resolve();
  private readonly sqlite: boolean;

  constructor(
    private readonly dataSource: DataSource,
    /** Told of every retry (the MySQL error number), e.g. to count them in /metrics. */
    private readonly onRetry: (errno: number) => void = () => undefined,
  ) {
    this.sqlite = dataSource.options.type === "better-sqlite3";
  }

  async run<T>(work: (tx: EntityManager) => Promise<T>, isolation: IsolationLevel = "READ COMMITTED"): Promise<T> {
    if (this.sqlite) {
      const result = this.sqliteQueue.then(() => this.dataSource.transaction(work));
      this.sqliteQueue = result.catch(() => undefined);
      return result;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(isolation, work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        this.onRetry(errnoOf(error));
        await sleep(Math.random() * 10 * attempt);
      }
    }
  }
}
