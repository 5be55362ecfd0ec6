import { createUnionType } from "type-graphql";
import type { Context } from "../../context";
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
  row: { createdByUserId: string | null; createdByApiKeyId: string | null },
): User | ApiKey | null | Promise<User | ApiKey | null> {
  if (row.createdByUserId) return ctx.loaders.user.load(row.createdByUserId);
  if (row.createdByApiKeyId) return ctx.loaders.apiKey.load(row.createdByApiKeyId);
  return null;
}
