import { GraphQLError } from "graphql";
import { and, or, rule } from "graphql-shield";
import type { Context } from "../context";
import { AppError, forbidden } from "../errors/app-error";
import { ErrorCode, isErrorCode } from "../errors/codes";
import { ApiKeyEnvironment, ApiKeyPermission, ApiKeyScope } from "../modules/api-key/api-key.entity";
import { hasAdminRights, type Principal } from "./principal";

/** For resolvers behind `isAuthenticated`: the principal, or UNAUTHENTICATED should a rule ever be missing. */
export function mustBePrincipal(ctx: Context): Principal {
  if (!ctx.principal) throw new AppError(ErrorCode.UNAUTHENTICATED, "Authentication required");
  return ctx.principal;
}

// Rules read only the principal, never args or parent: "contextual" caching is safe for all of them.

/** Signed in as someone of an organization; a platform key without Latchkey-Organization is told to name one. */
export const isAuthenticated = rule({ cache: "contextual" })((_parent, _args, ctx: Context) => {
  if (ctx.principal) return true;
  if (ctx.platformKey)
    return new AppError(
      ErrorCode.BAD_USER_INPUT,
      "A platform key acts inside an organization named by the Latchkey-Organization header (its id or ext:<externalId>)",
      { field: "Latchkey-Organization" },
    );
  return new AppError(ErrorCode.UNAUTHENTICATED, "Authentication required");
});

/** An organization's admin, or the platform acting in the organization (an admin's rights). */
export const isAdmin = rule({ cache: "contextual" })((_parent, _args, ctx: Context) =>
  ctx.principal ? hasAdminRights(ctx.principal) : false,
);

/**
 * The platform's own services (a platform key, with or without Latchkey-Organization), and nobody else:
 * organizations are created, changed, listed and deleted only by them. Anonymous callers: UNAUTHENTICATED.
 */
export const isPlatform = rule({ cache: "contextual" })((_parent, _args, ctx: Context) => {
  if (ctx.platformKey) return true;
  return ctx.principal ? false : new AppError(ErrorCode.UNAUTHENTICATED, "Authentication required");
});

/** An ORGANIZATION-scope key with FULL_ACCESS (OF in SPEC §5). */
export const isOrgFullAccessKey = rule({ cache: "contextual" })(
  (_parent, _args, ctx: Context) =>
    ctx.principal?.kind === "apiKey" &&
    ctx.principal.scope === ApiKeyScope.ORGANIZATION &&
    ctx.principal.permission === ApiKeyPermission.FULL_ACCESS,
);

/**
 * An ORGANIZATION-scope FULL_ACCESS key of the PRODUCTION environment. The organization, its
 * workspaces, users and memberships are shared by both environments (SPEC §5 note ²): changing
 * them changes production, so a SANDBOX key never may.
 */
export const isOrgFullAccessProductionKey = rule({ cache: "contextual" })(
  (_parent, _args, ctx: Context) =>
    ctx.principal?.kind === "apiKey" &&
    ctx.principal.scope === ApiKeyScope.ORGANIZATION &&
    ctx.principal.permission === ApiKeyPermission.FULL_ACCESS &&
    ctx.principal.environment === ApiKeyEnvironment.PRODUCTION,
);

/** A signed-in user, admin or member (members are then limited to their workspaces by the services). */
export const isUser = rule({ cache: "contextual" })((_parent, _args, ctx: Context) => ctx.principal?.kind === "user");

/** A FULL_ACCESS key of either scope (OF and WF); READ_ONLY keys can call no mutation. */
export const isFullAccessKey = rule({ cache: "contextual" })(
  (_parent, _args, ctx: Context) =>
    ctx.principal?.kind === "apiKey" && ctx.principal.permission === ApiKeyPermission.FULL_ACCESS,
);

/** An ORGANIZATION-scope key of either permission (OF and OR). */
export const isOrgScopeKey = rule({ cache: "contextual" })(
  (_parent, _args, ctx: Context) =>
    ctx.principal?.kind === "apiKey" && ctx.principal.scope === ApiKeyScope.ORGANIZATION,
);

/**
 * Authenticated (anonymous callers get UNAUTHENTICATED, not FORBIDDEN: `and` answers its rules' first
 * refusal in order), then any of `rules`. Not `chain`: graphql-shield 7.6.5's chain and race call
 * util.isUndefined, which Node 23 removed, and every guarded field answered INTERNAL_SERVER_ERROR on Node 24.
 */
export const signedInAndAnyOf = (...rules: Parameters<typeof or>) => and(isAuthenticated, or(...rules));

/**
 * What a denied or failed field answers: FORBIDDEN for a rule that said no; our own coded errors
 * (NOT_FOUND, BAD_USER_INPUT, …) pass; anything else goes on to be logged and masked by formatError.
 */
export function fallbackError(thrown: unknown): Error {
  if (thrown == null) return forbidden("Not allowed for this caller");
  if (thrown instanceof GraphQLError && isErrorCode(thrown.extensions?.code)) return thrown;
  return thrown instanceof Error ? thrown : new Error(typeof thrown === "string" ? thrown : JSON.stringify(thrown));
}
