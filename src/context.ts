import type { DataSource } from "typeorm";
import type { Principal } from "./auth/principal";
import type { PlatformKey } from "./modules/platform-key/platform-key.entity";
import { apiKeyLoaders } from "./modules/api-key/api-key.loaders";
import { userLoaders } from "./modules/user/user.loaders";
import { workspaceLoaders } from "./modules/workspace/workspace.loaders";
import type { Services } from "./services";

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
}

export function createContext(
  services: Services,
  caller: { principal: Principal | null; platformKey: PlatformKey | null },
  now: Date,
  requestId: string,
): Context {
  const { principal, platformKey } = caller;
  return { principal, platformKey, loaders: createLoaders(services.db, principal), services, now, requestId };
}
