import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { mustBePrincipal } from "../../auth/rules";
import type { Connection } from "../../common/pagination";
import { ApiKey, ApiKeyEnvironment } from "../api-key/api-key.entity";
import { Actor, loadActor } from "../actor/actor";
import { User } from "../user/user.entity";
import { Workspace } from "../workspace/workspace.entity";
import { Document } from "./document.entity";
import { CreateDocumentInput, DocumentConnection, UpdateDocumentInput } from "./document.inputs";

@Resolver(() => Document)
export class DocumentResolver {
  @Query(() => DocumentConnection, { description: "Documents the caller reaches (a key: its environment only); CREATED_AT DESC." })
  documents(
    @Ctx() ctx: Context,
    @Arg("workspaceId", () => ID, { nullable: true }) workspaceId?: string,
    @Arg("environment", () => ApiKeyEnvironment, { nullable: true }) environment?: ApiKeyEnvironment,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("last", () => Int, { nullable: true }) last?: number,
    @Arg("before", () => String, { nullable: true }) before?: string,
  ): Promise<Connection<Document>> {
    return ctx.services.documents.list(mustBePrincipal(ctx), { workspaceId, environment, first, after, last, before });
  }

  @Query(() => Document, { nullable: true })
  document(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<Document | null> {
    return ctx.services.documents.get(mustBePrincipal(ctx), id);
  }

  @Mutation(() => Document)
  createDocument(@Ctx() ctx: Context, @Arg("input", () => CreateDocumentInput) input: CreateDocumentInput): Promise<Document> {
    return ctx.services.documents.create(mustBePrincipal(ctx), input);
  }

  @Mutation(() => Document)
  updateDocument(@Ctx() ctx: Context, @Arg("input", () => UpdateDocumentInput) input: UpdateDocumentInput): Promise<Document> {
    return ctx.services.documents.update(mustBePrincipal(ctx), input);
  }

  @Mutation(() => ID)
  deleteDocument(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<string> {
    return ctx.services.documents.delete(mustBePrincipal(ctx), id);
  }

  @FieldResolver(() => Workspace)
  async workspace(@Root() document: Document, @Ctx() ctx: Context): Promise<Workspace> {
    const workspace = await ctx.loaders.workspace.load(document.workspaceId);
    // a visible document's workspace is always visible; anything else is a broken invariant, not a null
    if (!workspace) throw new Error(`workspace ${document.workspaceId} of document ${document.id} not visible`);
    return workspace;
  }

  @FieldResolver(() => Actor, { nullable: true, description: "Null once the creator is deleted, or when the caller may not see it." })
  createdBy(@Root() document: Document, @Ctx() ctx: Context): User | ApiKey | null | Promise<User | ApiKey | null> {
    return loadActor(ctx, document);
  }
}
