import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import type { Change, WriteSubscriber } from "../db/transaction";
import type { ApiKey } from "../modules/api-key/api-key.entity";
import type { Organization } from "../modules/organization/organization.entity";

/**
 * The optional verification cache (VERIFY_CACHE_TTL_MS; off by default): an API key's row — and its organization's
 * (read with it: the plan, verifyApiKey's answer); for a workspace key, its workspaces — kept in memory by token hash for at
 * most the TTL, so a hot key is authenticated and verified without a read. Every rule is still applied to the
 * cached row on every request (status from revokedAt/suspendedAt/expiresAt against the clock, IP allowlist, plan).
 *
 * It never keeps a revoked, suspended or rolled-out key alive:
 * - every committed change of an organization (any write through the write hook: keys, plan, workspaces,
 *   deletion) drops that organization's entries **on every process before the mutation answers**: the writer
 *   publishes the organization on a Redis channel and waits until every subscribed process (itself included)
 *   acknowledges that it dropped them (up to ACK_TIMEOUT_MS);
 * - a read that began before an invalidation is not cached (a generation counter), so a row read just before a
 *   revocation committed cannot be stored after it;
 * - while this process's subscription is not live (Redis down, reconnecting), nothing is served from the cache
 *   and it is emptied: the database is read, as without the cache.
 */

const CHANNEL = "latchkey:verify-cache:invalidate";
const ACK_CHANNEL = "latchkey:verify-cache:ack";
const ACK_TIMEOUT_MS = 1_000;
const MAX_ENTRIES = 100_000;

export interface CachedKey {
  key: ApiKey;
  /** The organization's row, read with the key (the plan check of a production key, verifyApiKey's answer). */
  organization?: Organization;
  /** A workspace-scope key's workspaces, once read. */
  workspaceIds?: string[];
}

interface Entry extends CachedKey {
  until: number;
}

interface Message {
  id: string;
  organizations: string[];
}

export class VerificationCache {
  private readonly entries = new Map<string, Entry>();
  /** Invalidations published by this process, waiting for their acknowledgements. */
  private readonly pending = new Map<string, { acks: number; needed?: number; done: () => void }>();
  private readonly sub: Redis;
  private readonly pub: Redis;
  private live = false;
  private closing = false;
  /** Bumped by every invalidation: a read that began under an older generation is not stored. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    redisUrl: string,
    /** Told when the cache stops serving, and of an invalidation that could not reach every process. */
    public warn: (message: string, error?: unknown) => void = () => undefined,
    /** Told of every lookup's result (latchkey_verify_cache_lookups_total). */
    private readonly observe: (result: "hit" | "miss" | "off") => void = () => undefined,
  ) {
    this.sub = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    this.pub = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    this.pub.on("error", () => undefined); // reconnects by itself; a failed publish is reported where it happens
    this.sub.on("error", () => undefined);
    const down = () => {
      if (this.live) this.warn("verification cache off until Redis is back (reading the database)");
      this.live = false;
      this.clear();
    };
    this.sub.on("close", down);
    this.sub.on("reconnecting", down);
    this.sub.on("ready", () => void this.subscribe());
    this.sub.on("message", (channel: string, text: string) => this.onMessage(channel, text));
    void this.sub.connect().catch(() => undefined);
    void this.pub.connect().catch(() => undefined);
  }

  /** Whether entries are served now (the subscription is live). */
  get serving(): boolean {
    return this.live;
  }

  /** The cached key for a token hash, unless it is older than the TTL or invalidations cannot be heard. */
  get(tokenHash: string, now = Date.now()): CachedKey | undefined {
    const entry = this.peek(tokenHash, now);
    this.observe(!this.live ? "off" : entry ? "hit" : "miss");
    return entry;
  }

  /** `get` without counting (a second look within the same request). */
  peek(tokenHash: string, now = Date.now()): CachedKey | undefined {
    if (!this.live) return undefined;
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry;
  }

  /** Call before reading the database for `put`: the read's generation. */
  begin(): number {
    return this.generation;
  }

  /** Stores what a read found, unless an invalidation happened since `begin()` or nothing can be heard. */
  put(tokenHash: string, value: CachedKey, generation: number, now = Date.now()): void {
    if (!this.live || generation !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tokenHash, { ...value, until: now + this.ttlMs });
  }

  /** Adds a workspace key's workspaces to its entry (same generation rule). */
  addWorkspaces(tokenHash: string, workspaceIds: string[], generation: number): void {
    const entry = this.entries.get(tokenHash);
    if (entry && generation === this.generation) entry.workspaceIds = workspaceIds;
  }

  /** Drops every entry of these organizations in this process. */
  drop(organizations: Iterable<string>): void {
    const gone = new Set(organizations);
    if (gone.size === 0) return;
    this.generation++;
    for (const [hash, entry] of this.entries) if (gone.has(entry.key.organizationId)) this.entries.delete(hash);
  }

  /**
   * Drops these organizations' entries here and on every other process, and resolves once every process that
   * heard the message has acknowledged it (or after ACK_TIMEOUT_MS, with a warning). Never throws: the change
   * is committed already; a process that cannot hear Redis serves nothing from its cache.
   */
  async invalidate(organizations: string[]): Promise<void> {
    this.drop(organizations);
    const message: Message = { id: randomUUID(), organizations };
    const acknowledged = new Promise<void>((done) => this.pending.set(message.id, { acks: 0, done }));
    try {
      await connected(this.pub, ACK_TIMEOUT_MS); // a fresh process (the CLI) may not be connected yet
      const receivers = await this.pub.publish(CHANNEL, JSON.stringify(message));
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      waiting.needed = receivers;
      if (waiting.acks >= receivers) return this.settle(message.id);
      await Promise.race([acknowledged, sleep(ACK_TIMEOUT_MS)]);
      const late = this.pending.get(message.id);
      if (late)
        this.warn(`verification cache: ${receivers - late.acks} process(es) did not acknowledge an invalidation`);
    } catch (error) {
      this.warn(
        "verification cache: could not publish an invalidation (processes that cannot hear Redis serve nothing cached)",
        error,
      );
    } finally {
      this.pending.delete(message.id);
    }
  }

  /** The write hook's subscriber: every committed change invalidates its organization, before the answer. */
  subscriber(): WriteSubscriber {
    return {
      afterCommit: (changes: readonly Change[]) => {
        const organizations = [...new Set(changes.map((c) => c.organizationId).filter((id) => id !== ""))];
        return organizations.length ? this.invalidate(organizations) : undefined;
      },
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.live = false;
    this.clear();
    await Promise.all([
      this.sub.quit().catch(() => this.sub.disconnect()),
      this.pub.quit().catch(() => this.pub.disconnect()),
    ]);
  }

  private async subscribe(): Promise<void> {
    try {
      await this.sub.subscribe(CHANNEL, ACK_CHANNEL);
      if (!this.closing && this.sub.status === "ready") {
        this.clear(); // anything cached before a gap may have missed an invalidation
        this.live = true;
      }
    } catch (error) {
      this.warn("verification cache: could not subscribe", error);
    }
  }

  private onMessage(channel: string, text: string): void {
    if (channel === ACK_CHANNEL) {
      const waiting = this.pending.get(text);
      if (!waiting) return; // another process's invalidation
      waiting.acks++;
      if (waiting.needed !== undefined && waiting.acks >= waiting.needed) this.settle(text);
      return;
    }
    if (channel !== CHANNEL) return;
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    this.drop(Array.isArray(message.organizations) ? message.organizations : []);
    // acknowledged after the entries are gone: the publisher answers its request only then
    void this.pub.publish(ACK_CHANNEL, String(message.id)).catch(() => undefined);
  }

  private settle(id: string): void {
    this.pending.get(id)?.done();
    this.pending.delete(id);
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Resolves once the client is ready, or after `ms` (the caller's command then fails fast). */
function connected(client: Redis, ms: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    client.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
