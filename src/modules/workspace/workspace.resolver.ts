import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../context";
import { CurrentPrincipal } from "../../auth/current-principal";
import type { Principal } from "../../auth/principal";
import type { Connection } from "../../common/pagination";
import { PageArguments } from "../../common/page-args";
import { Workspace } from "./workspace.entity";
import { CreateWorkspaceInput, UpdateWorkspaceInput, WorkspaceConnection } from "./workspace.inputs";

@Resolver(() => Workspace)
export class WorkspaceResolver {
  @Query(() => WorkspaceConnection, { description: "Workspaces the caller reaches; default order CREATED_AT DESC." })
  workspaces(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("search", () => String, { nullable: true }) search: string | undefined,
    @Args(() => PageArguments) page: PageArguments,
  ): Promise<Connection<Workspace>> {
    return ctx.services.workspaces.list(principal, { search, ...page });
  }

  @Query(() => Workspace, { nullable: true })
  workspace(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("id", () => ID) id: string,
  ): Promise<Workspace | null> {
    return ctx.services.workspaces.get(principal, id);
  }

  @Mutation(() => Workspace)
  createWorkspace(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => CreateWorkspaceInput) input: CreateWorkspaceInput,
  ): Promise<Workspace> {
    return ctx.services.workspaces.create(principal, input);
  }

  @Mutation(() => Workspace)
  updateWorkspace(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => UpdateWorkspaceInput) input: UpdateWorkspaceInput,
  ): Promise<Workspace> {
    return ctx.services.workspaces.update(principal, input);
  }

  @Mutation(() => ID, { description: "Also takes the workspace out of keys' scopes and revokes keys left with none." })
  deleteWorkspace(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("id", () => ID) id: string,
  ): Promise<string> {
    return ctx.services.workspaces.delete(principal, id);
  }
}
