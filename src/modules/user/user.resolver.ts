import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { mustBePrincipal } from "../../auth/rules";
import type { Connection } from "../../common/pagination";
import { Workspace } from "../workspace/workspace.entity";
import { User, UserRole } from "./user.entity";
import { CreateUserInput, UpdateUserInput, UserConnection } from "./user.inputs";

@Resolver(() => User)
export class UserResolver {
  @Query(() => UserConnection, { description: "Users of the organization; default order CREATED_AT DESC." })
  users(
    @Ctx() ctx: Context,
    @Arg("search", () => String, { nullable: true }) search?: string,
    @Arg("role", () => UserRole, { nullable: true }) role?: UserRole,
    @Arg("workspaceId", () => ID, { nullable: true }) workspaceId?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("last", () => Int, { nullable: true }) last?: number,
    @Arg("before", () => String, { nullable: true }) before?: string,
  ): Promise<Connection<User>> {
    return ctx.services.users.list(mustBePrincipal(ctx), { search, role, workspaceId, first, after, last, before });
  }

  @Query(() => User, { nullable: true })
  user(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<User | null> {
    return ctx.services.users.get(mustBePrincipal(ctx), id);
  }

  @Mutation(() => User)
  createUser(@Ctx() ctx: Context, @Arg("input", () => CreateUserInput) input: CreateUserInput): Promise<User> {
    return ctx.services.users.create(mustBePrincipal(ctx), input);
  }

  @Mutation(() => User, { description: "The organization's last admin cannot be demoted." })
  updateUser(@Ctx() ctx: Context, @Arg("input", () => UpdateUserInput) input: UpdateUserInput): Promise<User> {
    return ctx.services.users.update(mustBePrincipal(ctx), input);
  }

  @Mutation(() => ID, { description: "The organization's last admin cannot be deleted." })
  deleteUser(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<string> {
    return ctx.services.users.delete(mustBePrincipal(ctx), id);
  }

  @FieldResolver(() => [Workspace], { description: "Workspaces the user is a member of (those the caller may see)." })
  workspaces(@Root() user: User, @Ctx() ctx: Context): Workspace[] | Promise<Workspace[]> {
    return ctx.loaders.workspacesOfUser.load(user.id);
  }
}
