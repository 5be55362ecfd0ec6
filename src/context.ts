import type { Principal } from "./auth/principal";
import type { Loaders } from "./common/loaders";
import type { Services } from "./services";

/** What every resolver and shield rule receives: who is calling, and per-request loaders. */
export interface Context {
  principal: Principal | null;
  loaders: Loaders;
  services: Services;
  /** One instant per request, so statuses and trial activity agree within a response. */
  now: Date;
  requestId: string;
}
