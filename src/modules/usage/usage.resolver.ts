import { Arg, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { ApiKey } from "../api-key/api-key.entity";
import { Organization } from "../organization/organization.entity";
import { UsageBucket, UsageGranularity } from "./usage.types";

const USAGE_DESCRIPTION =
  "Requests per UTC hour or day, from the bucket holding `from` up to `to` (exclusive), zeros included; at most 1000 buckets. Each process adds its counts once a minute (and at shutdown).";

@Resolver(() => ApiKey)
export class ApiKeyUsageResolver {
  @FieldResolver(() => [UsageBucket], { description: USAGE_DESCRIPTION })
  usage(
    @Root() key: ApiKey,
    @Ctx() ctx: Context,
    @Arg("from", () => Date) from: Date,
    @Arg("to", () => Date) to: Date,
    @Arg("granularity", () => UsageGranularity, { defaultValue: UsageGranularity.HOUR }) granularity: UsageGranularity,
  ): Promise<UsageBucket[]> {
    return ctx.services.usage.forKey(key.id, from, to, granularity);
  }
}

@Resolver(() => Organization)
export class OrganizationUsageResolver {
  @FieldResolver(() => [UsageBucket], {
    description: `Every key of the organization (a key sees its own environment's). ${USAGE_DESCRIPTION}`,
  })
  usage(
    @Root() organization: Organization,
    @Ctx() ctx: Context,
    @Arg("from", () => Date) from: Date,
    @Arg("to", () => Date) to: Date,
    @Arg("granularity", () => UsageGranularity, { defaultValue: UsageGranularity.HOUR }) granularity: UsageGranularity,
  ): Promise<UsageBucket[]> {
    const environment = ctx.principal?.kind === "apiKey" ? ctx.principal.environment : null;
    return ctx.services.usage.forOrganization(organization.id, environment, from, to, granularity);
  }
}
