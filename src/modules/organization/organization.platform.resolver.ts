import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../context";
import type { Connection } from "../../common/pagination";
import { PageArguments } from "../../common/page-args";
import { AppError } from "../../errors/app-error";
import { ErrorCode } from "../../errors/codes";
import type { PlatformKey } from "../platform-key/platform-key.entity";
import { Organization } from "./organization.entity";
import { CreateOrganizationInput, OrganizationConnection, UpdateOrganizationInput } from "./organization.inputs";

/** Behind the shield's isPlatform: the platform key, or UNAUTHENTICATED should the rule ever be missing. */
function platformKeyOf(ctx: Context): PlatformKey {
  if (!ctx.platformKey) throw new AppError(ErrorCode.UNAUTHENTICATED, "Authentication required");
  return ctx.platformKey;
}

/** The platform's own services manage organizations (platform keys only; every organization principal: FORBIDDEN). */
@Resolver(() => Organization)
export class PlatformOrganizationResolver {
  @Query(() => OrganizationConnection, { description: "Every organization, newest first (platform keys only)." })
  organizations(
    @Ctx() ctx: Context,
    @Arg("search", () => String, { nullable: true, description: "Part of the name, any case." })
    search: string | undefined,
    @Arg("externalId", () => String, { nullable: true }) externalId: string | undefined,
    @Arg("hasApiPlan", () => Boolean, { nullable: true }) hasApiPlan: boolean | undefined,
    @Args(() => PageArguments) page: PageArguments,
  ): Promise<Connection<Organization>> {
    platformKeyOf(ctx);
    return ctx.services.platformOrganizations.list({ search, externalId, hasApiPlan, ...page });
  }

  @Mutation(() => Organization, { description: "A new organization and its first admin (platform keys only)." })
  createOrganization(
    @Ctx() ctx: Context,
    @Arg("input", () => CreateOrganizationInput) input: CreateOrganizationInput,
  ): Promise<Organization> {
    return ctx.services.platformOrganizations.create(platformKeyOf(ctx), input, ctx.origin);
  }

  @Mutation(() => Organization, { description: "apiPlan: null removes the plan; production keys are then refused." })
  updateOrganization(
    @Ctx() ctx: Context,
    @Arg("input", () => UpdateOrganizationInput) input: UpdateOrganizationInput,
  ): Promise<Organization> {
    return ctx.services.platformOrganizations.update(platformKeyOf(ctx), input, ctx.origin);
  }

  @Mutation(() => ID, { description: "Revokes every key, then deletes every row of the organization, at once." })
  deleteOrganization(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<string> {
    return ctx.services.platformOrganizations.delete(platformKeyOf(ctx), id, ctx.now, ctx.origin);
  }
}
