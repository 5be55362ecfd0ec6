import { Field, InputType, Int, ObjectType } from "type-graphql";
import { badInput } from "../../errors/app-error";
import { normalizeIpRanges } from "../../common/ip-ranges";
import { ApiKeyEnvironment } from "../api-key/api-key.entity";
import type { StoredEnvironmentPolicy, StoredKeyPolicy } from "./organization.entity";

const DAY_MS = 24 * 60 * 60 * 1000;
/** maxLifetimeDays: from one day to ten years. */
export const MAX_LIFETIME_DAYS = 3650;

@ObjectType({ simpleResolvers: true, description: "What every new key of one environment must respect." })
export class EnvironmentKeyPolicy {
  @Field(() => Int, {
    nullable: true,
    description: "A new key must expire within this many days of its creation (so it must expire); null: no maximum.",
  })
  maxLifetimeDays: number | null;

  @Field({ description: "A new key must have an expiry." })
  requireExpiry: boolean;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "The organization's rules for new keys (createApiKey, rollApiKey). Keys made before a stricter rule keep working; the apiKeys filter violatesPolicy lists them.",
})
export class ApiKeyPolicy {
  @Field(() => EnvironmentKeyPolicy)
  sandbox: EnvironmentKeyPolicy;

  @Field(() => EnvironmentKeyPolicy)
  production: EnvironmentKeyPolicy;

  @Field(() => [String], {
    description: "The allowlist a new key gets when createApiKey names none (normalized CIDRs); empty: any address.",
  })
  allowedIpRanges: string[];
}

@InputType({ description: "A field left out stays as it is." })
export class EnvironmentKeyPolicyInput {
  @Field(() => Int, { nullable: true, description: `1–${MAX_LIFETIME_DAYS}; null: no maximum.` })
  maxLifetimeDays?: number | null;

  @Field(() => Boolean, { nullable: true })
  requireExpiry?: boolean | null;
}

@InputType({ description: "A part left out stays as it is." })
export class UpdateApiKeyPolicyInput {
  @Field(() => EnvironmentKeyPolicyInput, { nullable: true })
  sandbox?: EnvironmentKeyPolicyInput | null;

  @Field(() => EnvironmentKeyPolicyInput, { nullable: true })
  production?: EnvironmentKeyPolicyInput | null;

  @Field(() => [String], {
    nullable: true,
    description: "IPv4/IPv6 CIDRs (at most 50), the default allowlist of new keys; [] clears it.",
  })
  allowedIpRanges?: string[] | null;
}

const NO_RULES: StoredEnvironmentPolicy = { maxLifetimeDays: null, requireExpiry: false };

/** The policy as the API shows it: every part present, defaults (no rule) where none was set. */
export function policyOf(stored: StoredKeyPolicy | null): ApiKeyPolicy {
  return {
    sandbox: { ...NO_RULES, ...stored?.sandbox },
    production: { ...NO_RULES, ...stored?.production },
    allowedIpRanges: stored?.allowedIpRanges ?? [],
  };
}

/** The environment's rules in a policy. */
export function rulesFor(policy: ApiKeyPolicy, environment: ApiKeyEnvironment): StoredEnvironmentPolicy {
  return environment === ApiKeyEnvironment.PRODUCTION ? policy.production : policy.sandbox;
}

/** The stored policy after `input` (parts left out kept). @throws BAD_USER_INPUT */
export function mergePolicy(stored: StoredKeyPolicy | null, input: UpdateApiKeyPolicyInput): StoredKeyPolicy {
  const current = policyOf(stored);
  const merge = (now: StoredEnvironmentPolicy, part: EnvironmentKeyPolicyInput | null | undefined, field: string) => {
    if (part == null) return now;
    if (part.requireExpiry === null) throw badInput(`${field}.requireExpiry`, "requireExpiry cannot be null");
    const days = part.maxLifetimeDays;
    if (days != null && (days < 1 || days > MAX_LIFETIME_DAYS))
      throw badInput(`${field}.maxLifetimeDays`, `maxLifetimeDays must be from 1 to ${MAX_LIFETIME_DAYS}`);
    return {
      maxLifetimeDays: part.maxLifetimeDays === undefined ? now.maxLifetimeDays : part.maxLifetimeDays,
      requireExpiry: part.requireExpiry ?? now.requireExpiry,
    };
  };
  return {
    sandbox: merge(current.sandbox, input.sandbox, "sandbox"),
    production: merge(current.production, input.production, "production"),
    allowedIpRanges:
      input.allowedIpRanges === undefined
        ? current.allowedIpRanges
        : (normalizeIpRanges("allowedIpRanges", input.allowedIpRanges) ?? []),
  };
}

/**
 * A new key (created or rolled) of `environment` expiring at `expiresAt` against the policy: BAD_USER_INPUT on
 * `expiresAt`, the message naming the rule.
 */
export function assertWithinPolicy(
  policy: ApiKeyPolicy,
  environment: ApiKeyEnvironment,
  expiresAt: Date | null,
  now: Date,
): void {
  const rules = rulesFor(policy, environment);
  const which = environment === ApiKeyEnvironment.PRODUCTION ? "production" : "sandbox";
  if (rules.maxLifetimeDays !== null) {
    const limit = now.getTime() + rules.maxLifetimeDays * DAY_MS;
    if (!expiresAt || expiresAt.getTime() > limit)
      throw badInput(
        "expiresAt",
        `The organization's key policy (maxLifetimeDays) requires ${which} keys to expire within ${rules.maxLifetimeDays} days`,
      );
  }
  if (rules.requireExpiry && !expiresAt)
    throw badInput("expiresAt", `The organization's key policy (requireExpiry) requires ${which} keys to expire`);
}
