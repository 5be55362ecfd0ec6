import { DataSource } from "typeorm";
import { unauthenticated } from "../errors/app-error";
import { User, UserWorkspace } from "../modules/user/user.entity";
import { looksLikeToken } from "../modules/api-key/token";
import { ApiKeyAuthenticator } from "./api-key-auth";
import { JwtService } from "./jwt";
import type { Principal } from "./principal";

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

  async principalFor(authorization: string | undefined, now: Date): Promise<Principal | null> {
    if (authorization === undefined || authorization === "") return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated("Authorization must be 'Bearer <token>'");
    const credential = match[1];
    const principal = looksLikeToken(credential) ? await this.apiKeys.authenticate(credential, now) : await this.userFor(credential);
    if (!principal) throw unauthenticated("Invalid, expired or revoked credential");
    return principal;
  }

  private async userFor(jwt: string): Promise<Principal | null> {
    const claims = await this.jwt.verify(jwt);
    if (!claims) return null;
    const user = await this.db.getRepository(User).findOneBy({ id: claims.userId });
    if (!user) return null;
    const memberships = user.role === "ADMIN" ? [] : await this.db.getRepository(UserWorkspace).findBy({ userId: user.id });
    return {
      kind: "user",
      organizationId: user.organizationId,
      user,
      role: user.role,
      workspaceIds: memberships.map((m) => m.workspaceId),
    };
  }
}
