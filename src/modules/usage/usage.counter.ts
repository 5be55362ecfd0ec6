import type { TransactionRunner } from "../../db/transaction";
import { datetimeParam } from "../../db/rows";
import { USAGE_BUCKET_MS } from "./usage.entity";

/** What one request by a key came to, in its usage: served, refused for its budget, or refused otherwise. */
export type UsageOutcome = "success" | "rateLimited" | "denied";

interface Pending {
  apiKeyId: string;
  bucketStart: number;
  success: number;
  rateLimited: number;
  denied: number;
}

/**
 * Usage without a write per request: each process counts its keys' requests in memory, per key and UTC hour, and
 * adds them to api_key_usage once per interval and at shutdown, one upsert per key and hour (an upsert adds to the
 * row, so processes add up). The organization and environment are copied from the key row by the same statement;
 * a key deleted meanwhile (its organization deleted) inserts nothing. A flush that fails puts its counts back for
 * the next one.
 */
export class UsageCounter {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly sqlite: boolean,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Counts one request (a map update: nothing is written on the request path). */
  record(apiKeyId: string, outcome: UsageOutcome, now: Date): void {
    const bucketStart = Math.floor(now.getTime() / USAGE_BUCKET_MS) * USAGE_BUCKET_MS;
    const id = `${apiKeyId} ${bucketStart}`;
    let entry = this.pending.get(id);
    if (!entry) {
      entry = { apiKeyId, bucketStart, success: 0, rateLimited: 0, denied: 0 };
      this.pending.set(id, entry);
    }
    entry[outcome]++;
  }

  /** Flushes every interval until close(); the timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Adds what was counted to the database (one flush at a time). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  /** Stops the timer and flushes what is left (at shutdown, before the database closes). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async flushOnce(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()].sort(
      (a, b) => a.apiKeyId.localeCompare(b.apiKeyId) || a.bucketStart - b.bucketStart,
    );
    this.pending = new Map();
    const upsert = this.sqlite
      ? `INSERT INTO api_key_usage (api_key_id, bucket_start, organization_id, environment, success, rate_limited, denied)
         SELECT k.id, ?, k.organization_id, k.environment, ?, ?, ? FROM api_key k WHERE k.id = ?
         ON CONFLICT (api_key_id, bucket_start) DO UPDATE SET success = success + excluded.success,
           rate_limited = rate_limited + excluded.rate_limited, denied = denied + excluded.denied`
      : `INSERT INTO api_key_usage (api_key_id, bucket_start, organization_id, environment, success, rate_limited, denied)
         SELECT k.id, ?, k.organization_id, k.environment, ?, ?, ? FROM api_key k WHERE k.id = ?
         ON DUPLICATE KEY UPDATE success = success + VALUES(success),
           rate_limited = rate_limited + VALUES(rate_limited), denied = denied + VALUES(denied)`;
    try {
      await this.tx.run(async (m) => {
        for (const e of batch) {
          const start = datetimeParam(this.sqlite, new Date(e.bucketStart));
          await m.query(upsert, [start, e.success, e.rateLimited, e.denied, e.apiKeyId]);
        }
      });
    } catch (error) {
      // nothing of the batch was written (one transaction): counted again with the next flush
      for (const e of batch) {
        const id = `${e.apiKeyId} ${e.bucketStart}`;
        const now = this.pending.get(id);
        if (now) {
          now.success += e.success;
          now.rateLimited += e.rateLimited;
          now.denied += e.denied;
        } else this.pending.set(id, e);
      }
      this.onError(error);
    }
  }
}
