import { createUnionType, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { Workspace } from "../workspace/workspace.entity";
import { ApiKey } from "../api-key/api-key.entity";
import { User } from "./user.entity";

/** Who created something: a user or an API key. */
export const Actor = createUnionType({
  name: "Actor",
  types: () => [User, ApiKey] as const,
  resolveType: (value) => (value instanceof User ? "User" : "ApiKey"),
});

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => [Workspace], { description: "Workspaces the user is a member of (those the caller may see)." })
  workspaces(@Root() user: User, @Ctx() ctx: Context): Promise<Workspace[]> {
    return ctx.loaders.workspacesOfUser.load(user.id);
  }
}
