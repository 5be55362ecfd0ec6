import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from "type-graphql";
import { selectedPaths } from "../../common/selection";
import { loadersFor, type Context } from "../../context";
import { CurrentPrincipal } from "../../auth/current-principal";
import type { Principal } from "../../auth/principal";
import type { Connection } from "../../common/pagination";
import { PageArguments } from "../../common/page-args";
import { Actor, loadActor } from "../actor/actor";
import { User } from "../user/user.entity";
import { Workspace } from "../workspace/workspace.entity";
import { ApiKey, ApiKeyScope, ApiKeyStatus, statusOf } from "./api-key.entity";
import {
  ApiKeyConnection,
  ApiKeyFilter,
  ApiKeyOrder,
  CreateApiKeyInput,
  CreateApiKeyPayload,
  RevokeApiKeysPayload,
  RollApiKeyInput,
  UpdateApiKeyInput,
} from "./api-key.inputs";
import type { NewApiKey } from "./api-key.service";

/**
 * A new key's answer (createApiKey, rollApiKey) carries the only copy of the token, so once the key is committed it
 * must not fail on a database hiccup: its workspaces and creator come from what the transaction locked and from the
 * principal (offered to the loaders, which judge them by their own rules), not from queries run after the commit.
 */
function offerNewKey(ctx: Context, principal: Principal, created: NewApiKey): NewApiKey {
  ctx.loaders.workspacesOfApiKey.offer(
    created.apiKey.id,
    created.apiKey.scope === ApiKeyScope.WORKSPACE ? created.workspaces : [],
  );
  if (principal.kind === "user") ctx.loaders.user.offer(principal.user.id, principal.user);
  else if (principal.kind === "apiKey") ctx.loaders.apiKey.offer(principal.apiKey.id, principal.apiKey);
  return created;
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Query(() => ApiKeyConnection, {
    description: "The organization's keys; default order CREATED_AT DESC; first ≤ 100.",
  })
  async apiKeys(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Info() info: GraphQLResolveInfo,
    @Arg("filter", () => ApiKeyFilter, { nullable: true }) filter: ApiKeyFilter | undefined,
    @Arg("orderBy", () => ApiKeyOrder, { nullable: true }) orderBy: ApiKeyOrder | undefined,
    @Args(() => PageArguments) page: PageArguments,
  ): Promise<Connection<ApiKey>> {
    const keys = await ctx.services.apiKeys.list(principal, { filter, orderBy, ...page }, ctx.now);
    // createdBy without another query: the creating users came with the page, judged by the user loader's own rule
    for (const user of keys.creatorUsers) ctx.loaders.user.offer(user.id, user);
    // what the query asks for below each key, fetched now in one statement each, so every key then resolves at once
    const selected = selectedPaths(info);
    const wants = (field: string) => selected.has(`nodes.${field}`) || selected.has(`edges.node.${field}`);
    if (wants("workspaces")) {
      await ctx.loaders.workspacesOfApiKey.loadAll(
        keys.nodes.filter((k) => k.scope === ApiKeyScope.WORKSPACE).map((k) => k.id),
      );
    }
    if (wants("createdBy")) {
      await ctx.loaders.apiKey.loadAll(keys.nodes.flatMap((k) => (k.createdByApiKeyId ? [k.createdByApiKeyId] : [])));
    }
    return keys;
  }

  @Query(() => ApiKey, { nullable: true })
  apiKey(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("id", () => ID) id: string,
  ): Promise<ApiKey | null> {
    return ctx.services.apiKeys.get(principal, id);
  }

  @Mutation(() => CreateApiKeyPayload, { description: "Creates a key; the payload's token is shown this once." })
  async createApiKey(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => CreateApiKeyInput) input: CreateApiKeyInput,
  ): Promise<CreateApiKeyPayload> {
    return offerNewKey(ctx, principal, await ctx.services.apiKeys.create(principal, input));
  }

  @Mutation(() => CreateApiKeyPayload, {
    description:
      "Replaces a key by a new one (new id and token, the same settings); the old key works gracePeriodMinutes longer. The payload's token is shown this once.",
  })
  async rollApiKey(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => RollApiKeyInput) input: RollApiKeyInput,
  ): Promise<CreateApiKeyPayload> {
    return offerNewKey(ctx, principal, await ctx.services.apiKeys.roll(principal, input));
  }

  @Mutation(() => RevokeApiKeysPayload, {
    description:
      "Revokes every key the filter matches (the apiKeys list's semantics), in one transaction; preview: counts them and changes nothing. At least one criterion.",
  })
  async revokeApiKeys(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("filter", () => ApiKeyFilter) filter: ApiKeyFilter,
    @Arg("preview", () => Boolean, { defaultValue: false }) preview: boolean,
  ): Promise<RevokeApiKeysPayload> {
    return { count: await ctx.services.apiKeys.revokeMany(principal, filter, preview) };
  }

  @FieldResolver(() => [String], { description: "The CIDRs the key may be used from; empty: any address." })
  allowedIpRanges(@Root() key: ApiKey): string[] {
    return key.allowedIpRanges ?? [];
  }

  @FieldResolver(() => ApiKey, { nullable: true, description: "The key this one replaced (rollApiKey)." })
  rolledFrom(@Root() key: ApiKey, @Ctx() ctx: Context): ApiKey | null | Promise<ApiKey | null> {
    return key.rolledFromId ? loadersFor(ctx, key.organizationId).apiKey.load(key.rolledFromId) : null;
  }

  @FieldResolver(() => ApiKey, { nullable: true, description: "The key that replaced this one (rollApiKey)." })
  rolledTo(@Root() key: ApiKey, @Ctx() ctx: Context): ApiKey | null | Promise<ApiKey | null> {
    return key.rolledToId ? loadersFor(ctx, key.organizationId).apiKey.load(key.rolledToId) : null;
  }

  @Mutation(() => ApiKey)
  updateApiKey(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => UpdateApiKeyInput) input: UpdateApiKeyInput,
  ): Promise<ApiKey> {
    return ctx.services.apiKeys.update(principal, input);
  }

  @Mutation(() => ApiKey, { description: "Idempotent: revoking a revoked key returns it unchanged." })
  revokeApiKey(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("id", () => ID) id: string,
  ): Promise<ApiKey> {
    return ctx.services.apiKeys.revoke(principal, id);
  }

  @Mutation(() => ApiKey, {
    description:
      "Refused from the next request on, until resumeApiKey; still counts against the limit. Idempotent (the first reason stays).",
  })
  suspendApiKey(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("id", () => ID) id: string,
    @Arg("reason", () => String, { nullable: true, description: "At most 255 characters." }) reason: string | undefined,
  ): Promise<ApiKey> {
    return ctx.services.apiKeys.suspend(principal, id, reason);
  }

  @Mutation(() => ApiKey, { description: "Lifts a suspension; a key that is not suspended is returned unchanged." })
  resumeApiKey(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("id", () => ID) id: string,
  ): Promise<ApiKey> {
    return ctx.services.apiKeys.resume(principal, id);
  }

  @FieldResolver(() => ApiKeyStatus)
  status(@Root() key: ApiKey, @Ctx() ctx: Context): ApiKeyStatus {
    return statusOf(key, ctx.now);
  }

  @FieldResolver(() => [Workspace], { description: "Empty for ORGANIZATION scope." })
  workspaces(@Root() key: ApiKey, @Ctx() ctx: Context): Workspace[] | Promise<Workspace[]> {
    return key.scope === ApiKeyScope.WORKSPACE
      ? loadersFor(ctx, key.organizationId).workspacesOfApiKey.load(key.id)
      : [];
  }

  @FieldResolver(() => Actor, {
    nullable: true,
    description: "Null once the creator is deleted, or when the caller may not see it.",
  })
  createdBy(@Root() key: ApiKey, @Ctx() ctx: Context): User | ApiKey | null | Promise<User | ApiKey | null> {
    return loadActor(ctx, key);
  }
}
