import { DataSource, IsNull } from "typeorm";
import type { PlatformKey } from "../platform-key/platform-key.entity";
import type { RequestOrigin } from "../../common/request-origin";
import { isId } from "../../common/ids";
import { emptyPage, newestFirst, parsePageArgs, readPage } from "../../common/pagination";
import type { Connection, PageArgs } from "../../common/pagination";
import { cleanEmail, cleanSearch, cleanText, containsPattern } from "../../common/text";
import { badInput, found } from "../../errors/app-error";
import { isUniqueViolation, lockedRows } from "../../db/locks";
import { TransactionRunner, type ChangeActor } from "../../db/transaction";
import { ApiKey } from "../api-key/api-key.entity";
import { OrganizationAdmin } from "./organization.admin";
import { Organization } from "./organization.entity";

const ORGANIZATION_ORDER = newestFirst<Organization>("o");
export const EXTERNAL_ID_MAX = 255;

const actorOf = (platformKey: PlatformKey, origin?: RequestOrigin): ChangeActor => ({
  kind: "platformKey",
  id: platformKey.id,
  display: platformKey.tokenHint,
  origin,
});

/** What the platform's own services do with organizations (GraphQL, platform keys only). */
export class PlatformOrganizations {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    private readonly admin: OrganizationAdmin,
  ) {}

  /** @throws BAD_USER_INPUT (name, externalId taken, admin.email, …) */
  async create(
    platformKey: PlatformKey,
    input: {
      name: string;
      externalId?: string | null;
      apiPlan?: string | null;
      admin: { email: string; name?: string | null; externalId?: string | null };
    },
    origin?: RequestOrigin,
  ): Promise<Organization> {
    try {
      const { organization } = await this.admin.create(
        {
          name: cleanText("name", input.name, { max: 200, required: true }),
          externalId: cleanText("externalId", input.externalId, { max: EXTERNAL_ID_MAX }),
          apiPlan: cleanText("apiPlan", input.apiPlan, { max: 100 }),
          adminEmail: cleanEmail("admin.email", input.admin.email),
          adminName: cleanText("admin.name", input.admin.name, { max: 200 }),
          adminExternalId: cleanText("admin.externalId", input.admin.externalId, { max: EXTERNAL_ID_MAX }),
        },
        actorOf(platformKey, origin),
      );
      return organization;
    } catch (error) {
      // two creations with one externalId at once: the unique index decides, the loser gets the same answer
      if (isUniqueViolation(error)) throw badInput("externalId", "An organization with this externalId exists");
      throw error;
    }
  }

  /** A field left out stays; `apiPlan: null` removes the plan (production keys are then refused, not revoked). */
  async update(
    platformKey: PlatformKey,
    input: { id: string; name?: string | null; apiPlan?: string | null },
    origin?: RequestOrigin,
  ): Promise<Organization> {
    const patch: Partial<Organization> = {};
    if (input.name !== undefined) patch.name = cleanText("name", input.name ?? "", { max: 200, required: true });
    if (input.apiPlan !== undefined)
      patch.apiPlan = input.apiPlan === null ? null : cleanText("apiPlan", input.apiPlan, { max: 100, required: true });
    return this.tx.runAs(actorOf(platformKey, origin), async (m, writes) => {
      const organization = found(
        isId(input.id)
          ? await m.getRepository(Organization).findOne({ where: { id: input.id }, ...lockedRows(m) })
          : null,
        "Organization",
      );
      await writes.update(Organization, organization, patch, "organization.updated");
      return organization;
    });
  }

  /** Revokes every active key (recorded, one change each), then deletes every row of the organization: one transaction. */
  async delete(platformKey: PlatformKey, id: string, now: Date, origin?: RequestOrigin): Promise<string> {
    return this.tx.runAs(actorOf(platformKey, origin), async (m, writes) => {
      const organization = found(
        isId(id) ? await m.getRepository(Organization).findOne({ where: { id }, ...lockedRows(m) }) : null,
        "Organization",
      );
      const live = await m.getRepository(ApiKey).findBy({ organizationId: id, revokedAt: IsNull() });
      for (const key of live) await writes.update(ApiKey, key, { revokedAt: now }, "api_key.revoked");
      // workspaces, users, memberships, keys and documents go with it (ON DELETE CASCADE)
      await writes.delete(Organization, organization, "organization.deleted");
      return id;
    });
  }

  async list(
    args: PageArgs & { search?: string | null; externalId?: string | null; hasApiPlan?: boolean | null },
  ): Promise<Connection<Organization>> {
    const page = parsePageArgs(args, ORGANIZATION_ORDER.sort.key);
    const search = cleanSearch("search", args.search);
    // externalId: "" matches no organization (an empty id is never stored), rather than meaning "any"
    if (args.externalId === "") return emptyPage(page);
    const externalId = cleanText("externalId", args.externalId, { max: EXTERNAL_ID_MAX });
    const qb = this.db.getRepository(Organization).createQueryBuilder("o");
    if (search) qb.andWhere("LOWER(o.name) LIKE :search ESCAPE '!'", { search: containsPattern(search) });
    if (externalId !== null) qb.andWhere("o.external_id = :externalId", { externalId });
    if (args.hasApiPlan === true) qb.andWhere("o.api_plan IS NOT NULL");
    if (args.hasApiPlan === false) qb.andWhere("o.api_plan IS NULL");
    return readPage(qb, ORGANIZATION_ORDER, page);
  }
}
