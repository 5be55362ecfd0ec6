import { Field, Int, ObjectType, registerEnumType } from "type-graphql";

export enum UsageGranularity {
  HOUR = "HOUR",
  DAY = "DAY",
}
registerEnumType(UsageGranularity, { name: "UsageGranularity", description: "UTC hours or UTC days." });

@ObjectType({
  simpleResolvers: true,
  description: "Requests made with a key (or an organization's keys) in one bucket; up to a minute behind.",
})
export class UsageBucket {
  @Field({ description: "The bucket's first instant (UTC)." })
  start: Date;

  @Field(() => Int, { description: "Requests authenticated, and verifications answered VALID." })
  success: number;

  @Field(() => Int, { description: "Refused for the key's or organization's budget (HTTP 429, RATE_LIMITED)." })
  rateLimited: number;

  @Field(() => Int, {
    description:
      "Refused for any other reason a known key can be: revoked, expired, suspended, IP_NOT_ALLOWED, no API plan, or (verifyApiKey) a requirement it does not meet.",
  })
  denied: number;
}
