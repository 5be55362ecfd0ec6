import type { DataSource } from "typeorm";
import { In } from "typeorm";
import { canSeeApiKey, type Principal } from "../../auth/principal";
import { KnownFirstLoader } from "../../common/known-first-loader";
import { linkedWorkspacesLoader } from "../workspace/workspace.loaders";
import { ApiKey, ApiKeyWorkspace } from "./api-key.entity";

/** Keys by id (null when missing or not visible: other environment, or a caller that sees no keys) and each key's workspaces. */
export function apiKeyLoaders(db: DataSource, principal: Principal | null) {
  const org = principal?.organizationId ?? "";
  const visible = (k: ApiKey) => principal !== null && canSeeApiKey(principal, k);
  return {
    apiKey: new KnownFirstLoader<ApiKey | null>(
      async (ids) => {
        const keys = await db.getRepository(ApiKey).findBy({ id: In([...ids]), organizationId: org });
        const byId = new Map(keys.filter(visible).map((k) => [k.id, k]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      (k) => (k && visible(k) ? k : null),
    ),
    workspacesOfApiKey: linkedWorkspacesLoader(db, principal, ApiKeyWorkspace, "api_key_id"),
  };
}
