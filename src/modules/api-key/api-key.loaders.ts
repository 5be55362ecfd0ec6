import type { DataSource } from "typeorm";
import { canSeeApiKey, type Principal } from "../../auth/principal";
import { organizationRowsById } from "../../common/known-first-loader";
import { linkedWorkspacesLoader } from "../workspace/workspace.loaders";
import { ApiKey, ApiKeyWorkspace } from "./api-key.entity";

/** Keys by id (null when missing or not visible: other environment, or a caller that sees no keys) and each key's workspaces. */
export function apiKeyLoaders(db: DataSource, principal: Principal | null) {
  const visible = (k: ApiKey) => principal !== null && canSeeApiKey(principal, k);
  return {
    apiKey: organizationRowsById(db, ApiKey, principal?.organizationId ?? "", visible),
    workspacesOfApiKey: linkedWorkspacesLoader(db, principal, ApiKeyWorkspace, "api_key_id"),
  };
}
