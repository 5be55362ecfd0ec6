import type { DataSource } from "typeorm";
import type { Principal } from "./auth/principal";
import type { PlatformKey } from "./modules/platform-key/platform-key.entity";
import { apiKeyLoaders } from "./modules/api-key/api-key.loaders";
import { userLoaders } from "./modules/user/user.loaders";
import { workspaceLoaders } from "./modules/workspace/workspace.loaders";
import type { Services } from "./services";
import type { RequestOrigin } from "./common/request-origin";

/** Per-request loaders, each module's own: one query per field per request, only what the principal may see. */
export function createLoaders(db: DataSource, principal: Principal | null) {
  return { ...workspaceLoaders(db, principal), ...userLoaders(db, principal), ...apiKeyLoaders(db, principal) };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** What every resolver and shield rule receives: who is calling, and per-request loaders. */
export interface Context {
  principal: Principal | null;
  /** The platform key of the request, with or without Latchkey-Organization (null for everyone else). */
  platformKey: PlatformKey | null;
  loaders: Loaders;
  services: Services;
  /** One instant per request, so statuses and trial activity agree within a response. */
  now: Date;
  requestId: string;
  /** Loaders per organization for a platform key without Latchkey-Organization (see loadersFor). */
  platformLoaders: Map<string, Loaders>;
  /** Where the request came from (the audit log's address, user agent and request id). */
  origin?: RequestOrigin;
}

/**
 * The loaders for rows of `organizationId`: the request's own — except for a platform key without
 * Latchkey-Organization, whose verifyApiKey answers keys of any organization: those rows' fields resolve as the
 * platform acting in that organization sees them (an admin's view), one set of loaders per organization.
 */
export function loadersFor(ctx: Context, organizationId: string): Loaders {
  if (ctx.principal || !ctx.platformKey) return ctx.loaders;
  let loaders = ctx.platformLoaders.get(organizationId);
  if (!loaders) {
    const principal = { kind: "platform", organizationId, platformKey: ctx.platformKey } as const;
    loaders = createLoaders(ctx.services.db, principal);
    ctx.platformLoaders.set(organizationId, loaders);
  }
  return loaders;
}

export function createContext(
  services: Services,
  caller: { principal: Principal | null; platformKey: PlatformKey | null },
  now: Date,
  requestId: string,
  origin?: RequestOrigin,
): Context {
  const { principal, platformKey } = caller;
  const loaders = createLoaders(services.db, principal);
  return { principal, platformKey, loaders, services, now, requestId, platformLoaders: new Map(), origin };
}
