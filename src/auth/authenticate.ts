import { DataSource } from "typeorm";
import { AppError } from "../errors/app-error";
import { ErrorCode } from "../errors/codes";
import { User, UserRole, UserWorkspace } from "../modules/user/user.entity";
import { looksLikeToken } from "../modules/api-key/token";
import { ApiKeyAuthenticator, type KeyAuthFailure } from "./api-key-auth";
import { JwtService } from "./jwt";
import type { Principal } from "./principal";

/** Why a credential was refused: a label of `latchkey_graphql_requests_total`, never shown to the client. */
export type AuthFailureReason = "malformed_header" | KeyAuthFailure | "invalid_jwt" | "unknown_user";

/** HTTP 401 UNAUTHENTICATED, carrying the reason for the metrics (not serialized: extensions hold only the code). */
export class AuthenticationFailed extends AppError {
  constructor(
    readonly reason: AuthFailureReason,
    message = "Invalid, expired or revoked credential",
  ) {
    super(ErrorCode.UNAUTHENTICATED, message, { wholeRequest: true });
  }
}

/**
 * Turns the Authorization header into a principal. No header: null (fields then answer
 * UNAUTHENTICATED). A header that is present but invalid, revoked or expired: HTTP 401.
 */
export class Authenticator {
  constructor(
    private readonly db: DataSource,
    private readonly jwt: JwtService,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {}

  /** @throws AuthenticationFailed (HTTP 401) */
  async principalFor(authorization: string | undefined, now: Date): Promise<Principal | null> {
    if (authorization === undefined || authorization === "") return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new AuthenticationFailed("malformed_header", "Authorization must be 'Bearer <token>'");
    const credential = match[1];
    const outcome = looksLikeToken(credential)
      ? await this.apiKeys.authenticate(credential, now)
      : await this.userFor(credential, now);
    if (typeof outcome === "string") throw new AuthenticationFailed(outcome);
    return outcome;
  }

  private async userFor(jwt: string, now: Date): Promise<Principal | "invalid_jwt" | "unknown_user"> {
    const claims = await this.jwt.verify(jwt, now.getTime());
    if (!claims) return "invalid_jwt";
    const user = await this.db.getRepository(User).findOneBy({ id: claims.userId });
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
