import { createUnionType } from "type-graphql";
import { loadersFor, type Context } from "../../context";
import { ApiKey } from "../api-key/api-key.entity";
import { User } from "../user/user.entity";

/**
 * Who created something: a user or an API key. No custom resolveType: type-graphql's default picks
 * the type by class synchronously, where a custom one is wrapped in an async function (a promise
 * per object in a page).
 */
export const Actor = createUnionType({
  name: "Actor",
  types: () => [User, ApiKey] as const,
});

/** Resolves a `createdBy` pair of columns through the request's loaders (null when deleted or not visible). */
export function loadActor(
  ctx: Context,
  row: { organizationId: string; createdByUserId: string | null; createdByApiKeyId: string | null },
): User | ApiKey | null | Promise<User | ApiKey | null> {
  if (row.createdByUserId) return loadersFor(ctx, row.organizationId).user.load(row.createdByUserId);
  if (row.createdByApiKeyId) return loadersFor(ctx, row.organizationId).apiKey.load(row.createdByApiKeyId);
  return null;
}
