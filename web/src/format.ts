import type { ApiKeyEnvironment, ApiKeyPermission, ApiKeyScope, ApiKeyStatus } from "./gql/graphql";

export const ENVIRONMENTS: Record<ApiKeyEnvironment, string> = { SANDBOX: "Sandbox", PRODUCTION: "Production" };
export const PERMISSIONS: Record<ApiKeyPermission, string> = { FULL_ACCESS: "Full-access", READ_ONLY: "Read-only" };
export const SCOPES: Record<ApiKeyScope, string> = { ORGANIZATION: "Organization", WORKSPACE: "Workspace" };
export const STATUSES: Record<ApiKeyStatus, string> = {
  ACTIVE: "Active",
  SUSPENDED: "Suspended",
  EXPIRED: "Expired",
  REVOKED: "Revoked",
};

const day = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const moment = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export const formatDay = (iso: string): string => day.format(new Date(iso));
export const formatMoment = (iso: string): string => moment.format(new Date(iso));

/** Whole days from now until `iso`, rounded up (0 once it has passed). */
export function daysUntil(iso: string, now = Date.now()): number {
  return Math.max(0, Math.ceil((new Date(iso).getTime() - now) / 86_400_000));
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** What people call a key: its description, else its token hint. */
export const keyName = (key: { description?: string | null; tokenHint: string }): string =>
  key.description || key.tokenHint;
