import { DataSource } from "typeorm";
import { AppError } from "../errors/app-error";
import { ErrorCode } from "../errors/codes";
import { UserRole, UserWorkspace } from "../modules/user/user.entity";
import { looksLikeToken } from "../modules/api-key/token";
import { ApiKeyAuthenticator, type KeyAuthFailure } from "./api-key-auth";
import { Identities } from "./identity";
import { JwtService } from "./jwt";
import { isId } from "../common/ids";
import { Organization } from "../modules/organization/organization.entity";
import type { PlatformKey } from "../modules/platform-key/platform-key.entity";
import { PlatformKeyAuthenticator, type PlatformKeyFailure } from "./platform-key-auth";
import type { Principal } from "./principal";

/** Why a credential was refused: a label of `latchkey_graphql_requests_total`, never shown to the client. */
export type AuthFailureReason =
  "malformed_header" | KeyAuthFailure | PlatformKeyFailure | "invalid_jwt" | "unknown_user";

/** The header by which a platform key acts inside one organization: its id, or `ext:<externalId>`. */
export const ORGANIZATION_HEADER = "latchkey-organization";

/**
 * HTTP 401 UNAUTHENTICATED, carrying the reason for the metrics (not serialized). Two reasons are the client's to
 * know (`extensions.reason`): API_PLAN_REQUIRED (a production key of an organization without a plan) and
 * IP_NOT_ALLOWED (a key used from outside its allowlist).
 */
export class AuthenticationFailed extends AppError {
  constructor(
    readonly reason: AuthFailureReason,
    message = "Invalid, expired or revoked credential",
  ) {
    const told = TOLD_REASONS[reason as keyof typeof TOLD_REASONS];
    super(ErrorCode.UNAUTHENTICATED, told?.message ?? message, {
      wholeRequest: true,
      ...(told ? { extensions: { reason: told.reason } } : {}),
    });
  }
}

/** The refusals a key's holder is told the reason of (`extensions.reason`): the key is theirs, the fix is on their side. */
const TOLD_REASONS = {
  api_plan_required: { reason: ErrorCode.API_PLAN_REQUIRED, message: "This organization has no API plan" },
  ip_not_allowed: { reason: "IP_NOT_ALLOWED", message: "This key may not be used from this address" },
} as const;

/** Who is calling: a principal, and the platform key when the credential is one (with or without an organization). */
export interface Caller {
  principal: Principal | null;
  platformKey: PlatformKey | null;
}

const organizationHeaderError = (message: string) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, { field: "Latchkey-Organization", wholeRequest: true });

/**
 * Turns the Authorization header into a principal. No header: null (fields then answer
 * UNAUTHENTICATED). A header that is present but invalid, revoked or expired: HTTP 401.
 */
export class Authenticator {
  constructor(
    private readonly db: DataSource,
    private readonly jwt: JwtService,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly platformKeys: PlatformKeyAuthenticator,
    private readonly identities: Identities,
  ) {}

  /** @throws AuthenticationFailed (HTTP 401); BAD_USER_INPUT (HTTP 400) for a misused Latchkey-Organization */
  async callerFor(
    authorization: string | undefined,
    organization: string | undefined,
    now: Date,
    address: string,
  ): Promise<Caller> {
    const credential = credentialOf(authorization);
    if (credential?.startsWith("lk_plat_")) {
      const platformKey = await this.platformKeys.authenticate(credential, now);
      if (typeof platformKey === "string") throw new AuthenticationFailed(platformKey);
      if (organization === undefined || organization === "") return { principal: null, platformKey };
      const organizationId = await this.organizationOf(organization);
      return { principal: { kind: "platform", organizationId, platformKey }, platformKey };
    }
    if (organization !== undefined && organization !== "")
      throw organizationHeaderError("Latchkey-Organization is accepted with a platform key only");
    if (credential === null) return { principal: null, platformKey: null };
    const outcome = looksLikeToken(credential)
      ? await this.apiKeys.authenticate(credential, now, address)
      : await this.userFor(credential, now);
    if (typeof outcome === "string") throw new AuthenticationFailed(outcome);
    return { principal: outcome, platformKey: null };
  }

  /** The organization a Latchkey-Organization header names, by id or `ext:<externalId>`. */
  private async organizationOf(header: string): Promise<string> {
    const byExternal = header.startsWith("ext:");
    const value = byExternal ? header.slice(4) : header;
    const found =
      value === "" || value.length > 255 || (!byExternal && !isId(value))
        ? null
        : await this.db
            .getRepository(Organization)
            .findOne({ where: byExternal ? { externalId: value } : { id: value }, select: { id: true } });
    if (!found) throw organizationHeaderError("Latchkey-Organization names no organization");
    return found.id;
  }

  private async userFor(jwt: string, now: Date): Promise<Principal | "invalid_jwt" | "unknown_user"> {
    const claims = await this.jwt.verify(jwt, now.getTime());
    if (!claims) return "invalid_jwt";
    const user = await this.identities.userOf(claims);
    if (!user) return "unknown_user";
    const memberships =
      user.role === UserRole.ADMIN ? [] : await this.db.getRepository(UserWorkspace).findBy({ userId: user.id });
    return {
      kind: "user",
      organizationId: user.organizationId,
      user,
      role: user.role,
      workspaceIds: memberships.map((m) => m.workspaceId),
    };
  }
}

/** The bearer credential, null without an Authorization header. @throws AuthenticationFailed when malformed */
function credentialOf(authorization: string | undefined): string | null {
  if (authorization === undefined || authorization === "") return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new AuthenticationFailed("malformed_header", "Authorization must be 'Bearer <token>'");
  return match[1];
}
