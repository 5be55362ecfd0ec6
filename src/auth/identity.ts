import { DataSource } from "typeorm";
import type { Config } from "../config";
import { isId, newId } from "../common/ids";
import { cleanEmail } from "../common/text";
import { isUniqueViolation } from "../db/locks";
import { TransactionRunner } from "../db/transaction";
import { findOneByColumn } from "../db/rows";
import { Organization } from "../modules/organization/organization.entity";
import { lockOrganization } from "../modules/organization/organization.locks";
import { User, UserRole } from "../modules/user/user.entity";
import type { JwtClaims } from "./jwt";

/**
 * Who a verified JWT is (SPEC §4 with the platform's own identity): `sub` is a Latchkey user id, or with
 * JWT_SUBJECT=externalId the SaaS's user id within the organization JWT_ORGANIZATION_CLAIM names. With
 * JWT_PROVISIONING an unknown user of a known organization is created on first use, its role kept in step.
 */
export class Identities {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    private readonly config: Config["jwt"],
  ) {}

  /** The user, or null (HTTP 401) when the token names nobody this server knows or may create. */
  async userOf(claims: JwtClaims): Promise<User | null> {
    if (this.config.subject === "id") return this.byId(claims);
    if (!claims.organization) return null;
    const organization = await this.db
      .getRepository(Organization)
      .findOne({ where: { externalId: claims.organization }, select: { id: true } });
    if (!organization) return null;
    const user = await this.db
      .getRepository(User)
      .findOneBy({ organizationId: organization.id, externalId: claims.subject });
    if (!this.config.provisioning) return user;
    if (!user) return this.provision(organization.id, claims);
    // a token without the role claim says nothing about the role: it stays
    const role = claims.role === undefined ? user.role : this.roleOf(claims.role);
    return role === user.role ? user : this.changeRole(user, role);
  }

  private async byId(claims: JwtClaims): Promise<User | null> {
    if (!isId(claims.subject)) return null;
    const user = await findOneByColumn(this.db, User, "id", claims.subject);
    if (!user || !this.config.organizationClaim) return user;
    // pinned: the token's organization claim must name the user's organization
    const organization = await findOneByColumn(this.db, Organization, "id", user.organizationId);
    return organization?.externalId != null && organization.externalId === claims.organization ? user : null;
  }

  private roleOf(claim: string): UserRole {
    return this.config.adminRoles.includes(claim) ? UserRole.ADMIN : UserRole.MEMBER;
  }

  /**
   * The first sign-in of a user the SaaS knows: created with the token's email and role, no workspace. An email
   * already used in the organization by another user is refused (never linked: that would hand over an account).
   */
  private async provision(organizationId: string, claims: JwtClaims): Promise<User | null> {
    let email: string;
    try {
      email = cleanEmail("email", claims.email ?? "");
    } catch {
      return null;
    }
    const user = Object.assign(new User(), {
      id: newId(),
      organizationId,
      email,
      name: null,
      role: claims.role === undefined ? UserRole.MEMBER : this.roleOf(claims.role),
      externalId: claims.subject,
    });
    try {
      // recorded as the user's own doing: the identity provider vouched for it, no one of the organization did
      await this.tx.runAs({ kind: "user", id: user.id, display: user.email }, (_m, writes) =>
        writes.insert(User, user, "user.provisioned"),
      );
      return user;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // a concurrent first sign-in created it (or the email belongs to someone else: null)
      return this.db.getRepository(User).findOneBy({ organizationId, externalId: claims.subject });
    }
  }

  /** The token's role wins, except that the organization's last admin is never demoted (it stays ADMIN). */
  private changeRole(user: User, role: UserRole): Promise<User> {
    return this.tx.runAs({ kind: "user", id: user.id }, async (m, writes) => {
      await lockOrganization(m, user.organizationId);
      const current = await m.getRepository(User).findOneByOrFail({ id: user.id });
      if (role === UserRole.MEMBER && current.role === UserRole.ADMIN) {
        const admins = await m
          .getRepository(User)
          .countBy({ organizationId: user.organizationId, role: UserRole.ADMIN });
        if (admins <= 1) return current;
      }
      await writes.update(User, current, { role }, "user.role_changed");
      return current;
    });
  }
}
