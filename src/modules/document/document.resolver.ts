import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { loadersFor, type Context } from "../../context";
import { CurrentPrincipal } from "../../auth/current-principal";
import type { Principal } from "../../auth/principal";
import type { Connection } from "../../common/pagination";
import { PageArguments } from "../../common/page-args";
import { ApiKey, ApiKeyEnvironment } from "../api-key/api-key.entity";
import { Actor, loadActor } from "../actor/actor";
import { User } from "../user/user.entity";
import { Workspace } from "../workspace/workspace.entity";
import { Document } from "./document.entity";
import { CreateDocumentInput, DocumentConnection, UpdateDocumentInput } from "./document.inputs";

@Resolver(() => Document)
export class DocumentResolver {
  @Query(() => DocumentConnection, {
    description: "Documents the caller reaches (a key: its environment only); CREATED_AT DESC.",
  })
  documents(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("workspaceId", () => ID, { nullable: true }) workspaceId: string | undefined,
    @Arg("environment", () => ApiKeyEnvironment, { nullable: true }) environment: ApiKeyEnvironment | undefined,
    @Args(() => PageArguments) page: PageArguments,
  ): Promise<Connection<Document>> {
    return ctx.services.documents.list(principal, { workspaceId, environment, ...page });
  }

  @Query(() => Document, { nullable: true })
  document(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("id", () => ID) id: string,
  ): Promise<Document | null> {
    return ctx.services.documents.get(principal, id);
  }

  @Mutation(() => Document)
  createDocument(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => CreateDocumentInput) input: CreateDocumentInput,
  ): Promise<Document> {
    return ctx.services.documents.create(principal, input);
  }

  @Mutation(() => Document)
  updateDocument(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => UpdateDocumentInput) input: UpdateDocumentInput,
  ): Promise<Document> {
    return ctx.services.documents.update(principal, input);
  }

  @Mutation(() => ID)
  deleteDocument(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("id", () => ID) id: string,
  ): Promise<string> {
    return ctx.services.documents.delete(principal, id);
  }

  @FieldResolver(() => Workspace)
  async workspace(@Root() document: Document, @Ctx() ctx: Context): Promise<Workspace> {
    const workspace = await loadersFor(ctx, document.organizationId).workspace.load(document.workspaceId);
    // a visible document's workspace is always visible; anything else is a broken invariant, not a null
    if (!workspace) throw new Error(`workspace ${document.workspaceId} of document ${document.id} not visible`);
    return workspace;
  }

  @FieldResolver(() => Actor, {
    nullable: true,
    description: "Null once the creator is deleted, or when the caller may not see it.",
  })
  createdBy(@Root() document: Document, @Ctx() ctx: Context): User | ApiKey | null | Promise<User | ApiKey | null> {
    return loadActor(ctx, document);
  }
}
