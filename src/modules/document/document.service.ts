import { DataSource, EntityManager } from "typeorm";
import { actorOf, canSeeDocument, workspaceReach, type Principal } from "../../auth/principal";
import { isId, newId } from "../../common/ids";
import { emptyPage, newestFirst, parsePageArgs, readPage } from "../../common/pagination";
import type { Connection, PageArgs } from "../../common/pagination";
import { cleanText } from "../../common/text";
import { badInput, forbidden, found } from "../../errors/app-error";
import { lockCreator } from "../user/user.locks";
import { lockWorkspacesInReach } from "../workspace/workspace.locks";
import { TransactionRunner } from "../../db/transaction";
import { ApiKeyEnvironment } from "../api-key/api-key.entity";
import { Document } from "./document.entity";

const DOCUMENT_ORDER = newestFirst<Document>("d");

export const TITLE_MAX = 200;

export class DocumentService {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  /** Documents in the caller's workspace reach, and of its own environment for a key. */
  async list(
    principal: Principal,
    args: PageArgs & { workspaceId?: string | null; environment?: ApiKeyEnvironment | null },
  ): Promise<Connection<Document>> {
    const page = parsePageArgs(args, DOCUMENT_ORDER.sort.key);
    const qb = this.db
      .getRepository(Document)
      .createQueryBuilder("d")
      .where("d.organization_id = :org", { org: principal.organizationId });
    const reach = workspaceReach(principal);
    if (reach !== "all") {
      if (reach.length === 0) return emptyPage(page);
      qb.andWhere("d.workspace_id IN (:...reach)", { reach });
    }
    if (principal.kind === "apiKey") qb.andWhere("d.environment = :ownEnv", { ownEnv: principal.environment });
    if (args.environment) qb.andWhere("d.environment = :env", { env: args.environment });
    if (args.workspaceId != null)
      qb.andWhere("d.workspace_id = :ws", { ws: isId(args.workspaceId) ? args.workspaceId : "" });
    return readPage(qb, DOCUMENT_ORDER, page);
  }

  async get(principal: Principal, id: string, manager: EntityManager = this.db.manager): Promise<Document | null> {
    if (!isId(id)) return null;
    const document = await manager.getRepository(Document).findOneBy({ id, organizationId: principal.organizationId });
    return document && canSeeDocument(principal, document) ? document : null;
  }

  /**
   * Users must name the environment; a key may omit it (its own is used) and may not name another.
   * @throws BAD_USER_INPUT (title, environment, workspaceId), FORBIDDEN (another environment than the key's)
   */
  async create(
    principal: Principal,
    input: { workspaceId: string; title: string; environment?: ApiKeyEnvironment | null },
  ): Promise<Document> {
    const title = cleanText("title", input.title, { max: TITLE_MAX, required: true });
    let environment: ApiKeyEnvironment;
    if (principal.kind === "apiKey") {
      if (input.environment && input.environment !== principal.environment)
        throw forbidden("A key can only create documents of its own environment");
      environment = principal.environment;
    } else {
      if (!input.environment) throw badInput("environment", "environment is required");
      environment = input.environment;
    }
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      await lockCreator(m, principal);
      const [workspace] = (await lockWorkspacesInReach(m, principal, [input.workspaceId])) ?? [];
      if (!workspace) throw badInput("workspaceId", "Unknown workspace");
      const document = Object.assign(new Document(), {
        id: newId(),
        organizationId: principal.organizationId,
        workspaceId: workspace.id,
        environment,
        title,
        createdByUserId: principal.kind === "user" ? principal.user.id : null,
        createdByApiKeyId: principal.kind === "apiKey" ? principal.apiKey.id : null,
      });
      await writes.insert(Document, document, "document.created");
      return document;
    });
  }

  /** @throws NOT_FOUND, BAD_USER_INPUT (title) */
  async update(principal: Principal, input: { id: string; title: string }): Promise<Document> {
    const title = cleanText("title", input.title, { max: TITLE_MAX, required: true });
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const document = found(await this.get(principal, input.id, m), "Document");
      await writes.update(Document, document, { title }, "document.updated");
      return document;
    });
  }

  /** @throws NOT_FOUND */
  async delete(principal: Principal, id: string): Promise<string> {
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const document = found(await this.get(principal, id, m), "Document");
      await writes.delete(Document, document, "document.deleted");
      return document.id;
    });
  }
}
