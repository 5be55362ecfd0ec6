import { Arg, Ctx, Field, FieldResolver, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { CurrentPrincipal } from "../../auth/current-principal";
import type { Principal } from "../../auth/principal";
import { ApiKey } from "../api-key/api-key.entity";
import { User } from "../user/user.entity";
import { ApiKeyQuota, ApiTrial, Organization } from "./organization.entity";
import { ApiKeyPolicy, policyOf, UpdateApiKeyPolicyInput } from "./api-key-policy";

@ObjectType({ simpleResolvers: true, description: "Who is calling: exactly one of user and apiKey is set." })
export class Viewer {
  @Field(() => Organization)
  organization: Organization;

  @Field(() => User, { nullable: true })
  user: User | null;

  @Field(() => ApiKey, { nullable: true })
  apiKey: ApiKey | null;
}

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, { description: "The caller's own organization." })
  organization(@Ctx() ctx: Context, @CurrentPrincipal() principal: Principal): Promise<Organization> {
    return ctx.services.organizations.ofPrincipal(principal);
  }

  @Query(() => Viewer)
  async viewer(@Ctx() ctx: Context, @CurrentPrincipal() principal: Principal): Promise<Viewer> {
    return {
      organization: await ctx.services.organizations.ofPrincipal(principal),
      user: principal.kind === "user" ? principal.user : null,
      apiKey: principal.kind === "apiKey" ? principal.apiKey : null,
    };
  }

  @FieldResolver(() => ApiTrial, { nullable: true, description: "Null until the first key is created." })
  apiTrial(@Root() organization: Organization, @Ctx() ctx: Context): ApiTrial | null {
    return ctx.services.organizations.trialOf(organization, ctx.now);
  }

  @Mutation(() => ApiKeyPolicy, {
    description: "Changes the organization's rules for new keys; a part left out stays. Existing keys keep working.",
  })
  updateApiKeyPolicy(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => UpdateApiKeyPolicyInput) input: UpdateApiKeyPolicyInput,
  ): Promise<ApiKeyPolicy> {
    return ctx.services.organizations.updateKeyPolicy(principal, input);
  }

  @FieldResolver(() => ApiKeyPolicy, { description: "The rules every new key must respect." })
  apiKeyPolicy(@Root() organization: Organization): ApiKeyPolicy {
    return policyOf(organization.apiKeyPolicy);
  }

  @FieldResolver(() => ApiKeyQuota)
  apiKeyQuota(@Root() organization: Organization, @Ctx() ctx: Context): Promise<ApiKeyQuota> {
    return ctx.services.organizations.quotaOf(organization.id, ctx.now);
  }
}
