import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../context";
import { mustBePrincipal } from "../../auth/rules";
import type { Connection } from "../../common/pagination";
import { Workspace } from "./workspace.entity";
import { CreateWorkspaceInput, UpdateWorkspaceInput, WorkspaceConnection } from "./workspace.inputs";

@Resolver(() => Workspace)
export class WorkspaceResolver {
  @Query(() => WorkspaceConnection, { description: "Workspaces the caller reaches; default order CREATED_AT DESC." })
  workspaces(
    @Ctx() ctx: Context,
    @Arg("search", () => String, { nullable: true }) search?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("last", () => Int, { nullable: true }) last?: number,
    @Arg("before", () => String, { nullable: true }) before?: string,
  ): Promise<Connection<Workspace>> {
    return ctx.services.workspaces.list(mustBePrincipal(ctx), { search, first, after, last, before });
  }

  @Query(() => Workspace, { nullable: true })
  workspace(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<Workspace | null> {
    return ctx.services.workspaces.get(mustBePrincipal(ctx), id);
  }

  @Mutation(() => Workspace)
  createWorkspace(@Ctx() ctx: Context, @Arg("input", () => CreateWorkspaceInput) input: CreateWorkspaceInput): Promise<Workspace> {
    return ctx.services.workspaces.create(mustBePrincipal(ctx), input);
  }

  @Mutation(() => Workspace)
  updateWorkspace(@Ctx() ctx: Context, @Arg("input", () => UpdateWorkspaceInput) input: UpdateWorkspaceInput): Promise<Workspace> {
    return ctx.services.workspaces.update(mustBePrincipal(ctx), input);
  }

  @Mutation(() => ID, { description: "Also takes the workspace out of keys' scopes and revokes keys left with none." })
  deleteWorkspace(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<string> {
    return ctx.services.workspaces.delete(mustBePrincipal(ctx), id);
  }
}
