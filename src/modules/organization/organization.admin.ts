import { DataSource } from "typeorm";
import { newId } from "../../common/ids";
import { cleanEmail, cleanText } from "../../common/text";
import { notFound } from "../../errors/app-error";
import { TransactionRunner, type ChangeActor } from "../../db/transaction";
import { User, UserRole, UserWorkspace } from "../user/user.entity";
import { Workspace } from "../workspace/workspace.entity";
import { Organization } from "./organization.entity";

export interface NewOrganization {
  name: string;
  adminEmail: string;
  adminName?: string | null;
  apiPlan?: string | null;
  workspaceNames?: string[];
  externalId?: string | null;
  adminExternalId?: string | null;
}

/** Operator actions (CLI, seeding): not reachable over GraphQL. */
export class OrganizationAdmin {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  async create(
    input: NewOrganization,
    actor: ChangeActor = { kind: "operator" },
  ): Promise<{ organization: Organization; admin: User; workspaces: Workspace[] }> {
    const name = cleanText("name", input.name, { max: 200, required: true });
    const email = cleanEmail("adminEmail", input.adminEmail);
    const adminName = cleanText("adminName", input.adminName, { max: 200 });
    const apiPlan = cleanText("apiPlan", input.apiPlan, { max: 100 });
    return this.tx.runAs(actor, async (m, writes) => {
      const now = writes.now;
      const organization = Object.assign(new Organization(), {
        id: newId(),
        name,
        apiPlan,
        externalId: input.externalId ?? null,
        apiTrialStartedAt: null,
        apiTrialEndsAt: null,
      });
      await writes.insert(Organization, organization, "organization.created");
      const admin = Object.assign(new User(), {
        id: newId(),
        organizationId: organization.id,
        email,
        name: adminName,
        role: UserRole.ADMIN,
        externalId: input.adminExternalId ?? null,
      });
      await writes.insert(User, admin, "user.created");
      const workspaces = (input.workspaceNames ?? []).map((workspaceName, i) =>
        Object.assign(new Workspace(), {
          id: newId(),
          organizationId: organization.id,
          name: cleanText("workspaceNames", workspaceName, { max: 100, required: true }),
          // distinct instants keep the demo's order stable
          createdAt: new Date(now.getTime() + i),
        }),
      );
      if (workspaces.length) {
        await writes.insert(Workspace, workspaces, "workspace.created");
        await m.getRepository(UserWorkspace).insert(workspaces.map((w) => ({ userId: admin.id, workspaceId: w.id })));
      }
      return { organization, admin, workspaces };
    });
  }

  async setApiPlan(organizationId: string, plan: string | null): Promise<Organization> {
    const apiPlan = plan === null ? null : cleanText("plan", plan, { max: 100, required: true });
    return this.tx.run(async (m, writes) => {
      const organization = await m.getRepository(Organization).findOneBy({ id: organizationId });
      if (!organization) throw notFound("Organization");
      await writes.update(Organization, organization, { apiPlan }, "organization.api_plan_changed");
      return organization;
    });
  }

  /** Users with this email, in every organization or in the given one (emails are unique per organization only). */
  async findUsersByEmail(email: string, organizationId?: string): Promise<User[]> {
    const where = { email: email.trim().toLowerCase(), ...(organizationId ? { organizationId } : {}) };
    return this.db.getRepository(User).find({ where, order: { createdAt: "ASC" }, take: 20 });
  }

  async isEmpty(): Promise<boolean> {
    return (await this.db.getRepository(Organization).count()) === 0;
  }
}
