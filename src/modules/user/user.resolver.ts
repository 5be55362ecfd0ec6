import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { loadersFor, type Context } from "../../context";
import { CurrentPrincipal } from "../../auth/current-principal";
import type { Principal } from "../../auth/principal";
import type { Connection } from "../../common/pagination";
import { PageArguments } from "../../common/page-args";
import { Workspace } from "../workspace/workspace.entity";
import { User, UserRole } from "./user.entity";
import { CreateUserInput, UpdateUserInput, UserConnection } from "./user.inputs";

@Resolver(() => User)
export class UserResolver {
  @Query(() => UserConnection, { description: "Users of the organization; default order CREATED_AT DESC." })
  users(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("search", () => String, { nullable: true }) search: string | undefined,
    @Arg("role", () => UserRole, { nullable: true }) role: UserRole | undefined,
    @Arg("workspaceId", () => ID, { nullable: true }) workspaceId: string | undefined,
    @Args(() => PageArguments) page: PageArguments,
  ): Promise<Connection<User>> {
    return ctx.services.users.list(principal, { search, role, workspaceId, ...page });
  }

  @Query(() => User, { nullable: true })
  user(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("id", () => ID) id: string,
  ): Promise<User | null> {
    return ctx.services.users.get(principal, id);
  }

  @Mutation(() => User)
  createUser(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => CreateUserInput) input: CreateUserInput,
  ): Promise<User> {
    return ctx.services.users.create(principal, input);
  }

  @Mutation(() => User, { description: "The organization's last admin cannot be demoted." })
  updateUser(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => UpdateUserInput) input: UpdateUserInput,
  ): Promise<User> {
    return ctx.services.users.update(principal, input);
  }

  @Mutation(() => ID, { description: "The organization's last admin cannot be deleted." })
  deleteUser(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("id", () => ID) id: string,
  ): Promise<string> {
    return ctx.services.users.delete(principal, id);
  }

  @FieldResolver(() => [Workspace], { description: "Workspaces the user is a member of (those the caller may see)." })
  workspaces(@Root() user: User, @Ctx() ctx: Context): Workspace[] | Promise<Workspace[]> {
    return loadersFor(ctx, user.organizationId).workspacesOfUser.load(user.id);
  }
}
