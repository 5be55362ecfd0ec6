import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../../context";
import { ApiKeyVerification, VerifyRequirement } from "./verification.types";

@Resolver(() => ApiKeyVerification)
export class VerificationResolver {
  @Query(() => ApiKeyVerification, {
    description:
      "Is this key good for a request of the platform's own API? Platform keys only; a bad key is a code, never an error. Counts against the key's budget and updates its lastUsedAt like a request of its own.",
  })
  verifyApiKey(
    @Ctx() ctx: Context,
    @Arg("token", () => String) token: string,
    @Arg("require", () => VerifyRequirement, { nullable: true }) require: VerifyRequirement | undefined,
  ): Promise<ApiKeyVerification> {
    const organizationId = ctx.principal?.kind === "platform" ? ctx.principal.organizationId : null;
    return ctx.services.verification.verify(token, require, ctx.now, organizationId);
  }
}
