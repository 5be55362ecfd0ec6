import type { DashboardKeyPolicyQuery, DashboardViewerQuery } from "./gql/graphql";

// What the pages share: their paths, and the signed-in viewer as the shell loaded it.

export const KEYS_PATH = "/app/api-keys";
export const AUDIT_PATH = "/app/audit-log";

export type Viewer = DashboardViewerQuery["viewer"];
export type KeyPolicy = DashboardKeyPolicyQuery["organization"]["apiKeyPolicy"];
export interface WorkspaceOption {
  id: string;
  name: string;
}
