import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { Webhook } from "standardwebhooks";
import type { DataSource } from "typeorm";
import type { Config } from "../../config";
import type { ChangeActor, TransactionRunner } from "../../db/transaction";
import { ApiKey } from "../api-key/api-key.entity";
import { WebhookDelivery, WebhookEndpoint } from "./webhook.entity";
import { isPublicAddress, publicOnlyLookup } from "./webhook.url";

const BATCH = 20;
const POLL_MS = 1000;
const DISPATCHER: ChangeActor = { kind: "operator", display: "webhook dispatcher" };
const DAY_MS = 24 * 60 * 60 * 1000;
/** How often a process looks for keys to announce as expiring. */
const EXPIRY_SCAN_MS = 60_000;
const NOTICES = [
  { days: 7, column: "expiry_notice_7d_at", property: "expiryNotice7dAt" },
  { days: 1, column: "expiry_notice_1d_at", property: "expiryNotice1dAt" },
] as const;

interface Attempt {
  status: number;
  error: string | null;
}

/**
 * Delivers the outbox: claims due rows with a lease (FOR UPDATE SKIP LOCKED on MySQL/MariaDB, so several processes
 * share the work without sending one row twice at once), signs each with the endpoint's secret (Standard Webhooks,
 * the `standardwebhooks` package), POSTs it, and records the answer. A 2xx is delivered; anything else is retried after
 * the schedule's next delay with ±20% jitter; after the last one the delivery fails and the endpoint is disabled (an
 * audited change). A crash leaves claimed rows leased: they are taken again when the lease runs out, so a delivery is
 * sent again only when its answer was never recorded.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private lastExpiryScan = 0;

  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    private readonly config: Config["webhooks"],
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  /** Runs a pass now (after a commit that queued events), or right after the current one. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Stops claiming; waits for the deliveries in flight (each bounded by the timeout). */
  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** The lease of a claimed row: long enough for one attempt and its bookkeeping. */
  private leaseMs(): number {
    return (this.config.timeoutSeconds * 2 + 1) * 1000;
  }

  private async drain(): Promise<void> {
    if (Date.now() - this.lastExpiryScan >= EXPIRY_SCAN_MS) {
      this.lastExpiryScan = Date.now();
      await this.announceExpiring(new Date());
    }
    for (;;) {
      if (this.stopped) return;
      const batch = await this.claim();
      if (batch.length === 0) return;
      await Promise.all(batch.map((row) => this.deliver(row).catch(this.onError)));
    }
  }

  /**
   * `api_key.expiring`, 7 days and 1 day before a key's expiresAt, each once: the notice column is claimed by a
   * conditional UPDATE (one process wins it), then the change is recorded (audit log and outbox) in that transaction.
   */
  async announceExpiring(now: Date): Promise<number> {
    let announced = 0;
    for (const notice of NOTICES) {
      const due = await this.db
        .getRepository(ApiKey)
        .createQueryBuilder("k")
        .select(["k.id"])
        .where("k.revoked_at IS NULL AND k.expires_at > :now AND k.expires_at <= :until", {
          now,
          until: new Date(now.getTime() + notice.days * DAY_MS),
        })
        .andWhere(`k.${notice.column} IS NULL`)
        .limit(500)
        .getMany();
      for (const { id } of due) {
        const claimed = await this.tx.runAs(DISPATCHER, async (m, writes) => {
          const result = await m
            .getRepository(ApiKey)
            .createQueryBuilder()
            .update()
            .set({ [notice.property]: writes.now })
            .where(`id = :id AND ${notice.column} IS NULL`, { id })
            .execute();
          if (!result.affected) return false;
          const key = await m.getRepository(ApiKey).findOneByOrFail({ id });
          writes.record({
            action: "api_key.expiring",
            organizationId: key.organizationId,
            environment: key.environment,
            target: { type: "api_key", id },
            changes: { expiresInDays: { from: null, to: notice.days } },
          });
          return true;
        });
        if (claimed) announced++;
      }
    }
    return announced;
  }

  private claim(): Promise<WebhookDelivery[]> {
    return this.tx.run(async (m) => {
      const now = new Date();
      const qb = m
        .getRepository(WebhookDelivery)
        .createQueryBuilder("d")
        .where("d.status = :pending AND d.next_attempt_at <= :now", { pending: "PENDING", now })
        .andWhere("(d.locked_until IS NULL OR d.locked_until < :now)", { now })
        .orderBy("d.next_attempt_at", "ASC")
        .limit(BATCH);
      if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write").setOnLocked("skip_locked");
      const rows = await qb.getMany();
      if (rows.length) {
        const lockedUntil = new Date(now.getTime() + this.leaseMs());
        await m.getRepository(WebhookDelivery).update(
          rows.map((r) => r.id),
          { lockedUntil },
        );
      }
      return rows;
    });
  }

  private async deliver(row: WebhookDelivery): Promise<void> {
    const endpoint = await this.db.getRepository(WebhookEndpoint).findOneBy({ id: row.endpointId });
    if (!endpoint) return; // deleted: its deliveries went with it
    const now = new Date();
    if (endpoint.disabledAt) {
      await this.record(row, { status: "FAILED", lastError: "endpoint disabled", lastAttemptAt: now });
      return;
    }
    const attempt = await this.send(endpoint, row);
    const attempts = row.attempts + 1;
    const done = new Date();
    if (attempt.status >= 200 && attempt.status < 300) {
      await this.record(row, {
        status: "DELIVERED",
        attempts,
        deliveredAt: done,
        lastAttemptAt: done,
        lastStatusCode: attempt.status,
        lastError: null,
      });
      return;
    }
    const base = {
      attempts,
      lastAttemptAt: done,
      lastStatusCode: attempt.status || null,
      lastError: attempt.error?.slice(0, 255) ?? `HTTP ${attempt.status}`,
    };
    const delay = this.config.retrySchedule[attempts - 1];
    if (delay === undefined) {
      await this.record(row, { ...base, status: "FAILED" });
      await this.disable(endpoint, attempts);
      return;
    }
    const jitter = 0.8 + Math.random() * 0.4;
    await this.record(row, { ...base, nextAttemptAt: new Date(done.getTime() + delay * 1000 * jitter) });
  }

  private record(row: WebhookDelivery, patch: Partial<WebhookDelivery>): Promise<unknown> {
    return this.db.getRepository(WebhookDelivery).update({ id: row.id }, { ...patch, lockedUntil: null });
  }

  private async disable(endpoint: WebhookEndpoint, attempts: number): Promise<void> {
    await this.tx.runAs(DISPATCHER, async (m, writes) => {
      const fresh = await m.getRepository(WebhookEndpoint).findOneBy({ id: endpoint.id });
      if (!fresh || fresh.disabledAt) return;
      await writes.update(
        WebhookEndpoint,
        fresh,
        { disabledAt: writes.now, disabledReason: `Disabled after ${attempts} failed attempts of one delivery` },
        "webhook_endpoint.disabled",
      );
    });
  }

  /** One signed POST; never throws (a network failure is status 0 with its message). */
  private send(endpoint: WebhookEndpoint, row: WebhookDelivery): Promise<Attempt> {
    let url: URL;
    try {
      url = new URL(endpoint.url);
    } catch {
      return Promise.resolve({ status: 0, error: "invalid url" });
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (!this.config.allowPrivate && (host.includes(":") || /^[\d.]+$/.test(host)) && !isPublicAddress(host))
      return Promise.resolve({ status: 0, error: "non-public address" });
    const timestamp = new Date();
    const signature = new Webhook(endpoint.signingSecret).sign(row.id, timestamp, row.payload);
    const body = Buffer.from(row.payload);
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    const timeoutMs = this.config.timeoutSeconds * 1000;
    return new Promise<Attempt>((resolve) => {
      const timer = setTimeout(() => req.destroy(new Error("timed out")), timeoutMs);
      const req = request(
        url,
        {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": body.length,
            "user-agent": "Latchkey-Webhooks/1",
            "webhook-id": row.id,
            "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
            "webhook-signature": signature,
          },
          ...(this.config.allowPrivate ? {} : { lookup: publicOnlyLookup }),
        },
        (response) => {
          response.resume();
          response.on("end", () => {
            clearTimeout(timer);
            resolve({ status: response.statusCode ?? 0, error: null });
          });
          response.on("error", (error) => {
            clearTimeout(timer);
            resolve({ status: 0, error: error.message });
          });
        },
      );
      req.on("error", (error) => {
        clearTimeout(timer);
        resolve({ status: 0, error: error.message });
      });
      req.end(body);
    });
  }
}
