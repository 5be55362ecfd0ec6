import { AppError } from "../errors/app-error";
import Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Principal } from "../auth/principal";
import type { Config } from "../config";
import { ErrorCode } from "../errors/codes";

const WINDOW_SECONDS = 60;

/** A key's budget after one verification. */
export interface KeyBudget {
  limited: boolean;
  limit: number;
  remaining: number;
  resetAt: Date;
}

/** HTTP 429 with `Retry-After` and `extensions.retryAfter` (seconds). */
export class RateLimited extends AppError {
  /** Which budget ran out (a metrics label; not serialized). */
  readonly budget: string;

  constructor(retryAfter: number, what: string) {
    super(ErrorCode.RATE_LIMITED, `Too many requests for this ${what}; retry in ${retryAfter} s`, {
      wholeRequest: true,
      headers: { "retry-after": String(retryAfter) },
      extensions: { retryAfter },
    });
    this.budget = what.replace(/\s+/g, "_").toLowerCase();
  }
}

/**
 * Request budgets per API key and per organization (every caller of an organization counts
 * against it). In memory by default; shared by every process through Redis when REDIS_URL is
 * set, with an in-memory fallback while Redis is unreachable. 0 turns a budget off.
 */
export class RateLimits {
  private readonly redis?: Redis;
  private readonly perKey?: RateLimiterAbstract;
  private readonly perOrganization?: RateLimiterAbstract;
  private readonly perAnonymousClient?: RateLimiterAbstract;
  private readonly perKeyLimit: number;

  constructor(config: Pick<Config, "rateLimits">) {
    const { redisUrl, perKeyPerMinute, perOrganizationPerMinute, anonymousPerMinute } = config.rateLimits;
    if (redisUrl && (perKeyPerMinute > 0 || perOrganizationPerMinute > 0 || anonymousPerMinute > 0)) {
      // no offline queue: while Redis is down, calls fail at once and the insurance limiter answers
      this.redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
      this.redis.on("error", () => undefined); // reconnects by itself; the fallback covers the gap
    }
    const make = (keyPrefix: string, points: number): RateLimiterAbstract | undefined => {
      if (points <= 0) return undefined;
      const memory = new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS });
      return this.redis
        ? new RateLimiterRedis({
            storeClient: this.redis,
            keyPrefix,
            points,
            duration: WINDOW_SECONDS,
            insuranceLimiter: memory,
          })
        : memory;
    };
    this.perKey = make("latchkey:rl:key", perKeyPerMinute);
    this.perKeyLimit = perKeyPerMinute;
    // one budget per organization and environment: a sandbox load test never starves live integrations
    this.perOrganization = make("latchkey:rl:orgenv", perOrganizationPerMinute);
    this.perAnonymousClient = make("latchkey:rl:anon", anonymousPerMinute);
  }

  /** Waits (at most `timeoutMs`) for Redis, so the first requests are counted where every process counts them. */
  async ready(timeoutMs = 3000): Promise<boolean> {
    const redis = this.redis;
    if (!redis || redis.status === "ready") return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      redis.once("ready", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /**
   * Spends one request of the principal's budgets: its key's, and its organization's for its environment
   * (users count as production). @throws RATE_LIMITED (HTTP 429)
   */
  async consume(principal: Principal): Promise<void> {
    if (principal.kind === "apiKey" && this.perKey) await spend(this.perKey, principal.apiKey.id, "API key");
    if (this.perOrganization) {
      const environment = principal.kind === "apiKey" ? principal.environment : "PRODUCTION";
      await spend(this.perOrganization, `${principal.organizationId}:${environment}`, "organization");
    }
  }

  /**
   * Spends one request of a key's own budget for verifyApiKey (the same budget its own requests spend) and
   * tells its state after; null when keys have no budget (RATE_LIMIT_KEY_PER_MINUTE=0).
   */
  async spendForVerification(keyId: string, now: Date): Promise<KeyBudget | null> {
    if (!this.perKey) return null;
    let res: RateLimiterRes;
    let limited = false;
    try {
      res = await this.perKey.consume(keyId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      res = rejection;
      limited = true;
    }
    return {
      limited,
      limit: this.perKeyLimit,
      remaining: Math.max(0, res.remainingPoints),
      resetAt: new Date(now.getTime() + res.msBeforeNext),
    };
  }

  /** Spends one request of a client address's budget for requests with no credential or a refused one. @throws RATE_LIMITED */
  async consumeAnonymous(clientAddress: string): Promise<void> {
    if (this.perAnonymousClient) await spend(this.perAnonymousClient, clientAddress, "client address");
  }

  async close(): Promise<void> {
    if (this.redis) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}

async function spend(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes)
      throw new RateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), what);
    throw rejection;
  }
}
