import type { DataSource } from "typeorm";
import { In } from "typeorm";
import { canSeeUser, type Principal } from "../../auth/principal";
import { KnownFirstLoader } from "../../common/known-first-loader";
import { linkedWorkspacesLoader } from "../workspace/workspace.loaders";
import { ApiKeyScope } from "../api-key/api-key.entity";
import { User, UserWorkspace } from "./user.entity";

/** Users by id (null when missing or not visible) and each user's memberships the principal reaches. */
export function userLoaders(db: DataSource, principal: Principal | null) {
  const org = principal?.organizationId ?? "";
  // only a workspace-scope key needs memberships to decide which users it may see
  const needsMemberships = principal?.kind === "apiKey" && principal.scope === ApiKeyScope.WORKSPACE;
  return {
    user: new KnownFirstLoader<User | null>(
      async (ids) => {
        const users = await db.getRepository(User).findBy({ id: In([...ids]), organizationId: org });
        const links =
          needsMemberships && users.length
            ? await db.getRepository(UserWorkspace).findBy({ userId: In(users.map((u) => u.id)) })
            : [];
        const memberOf = (u: User) => links.filter((l) => l.userId === u.id).map((l) => l.workspaceId);
        const byId = new Map(
          users.filter((u) => principal !== null && canSeeUser(principal, u, memberOf(u))).map((u) => [u.id, u]),
        );
        return ids.map((id) => byId.get(id) ?? null);
      },
      // an offered user is judged without memberships, which only a workspace-scope key would need
      (u) => (needsMemberships ? undefined : u && principal !== null && canSeeUser(principal, u, []) ? u : null),
    ),
    workspacesOfUser: linkedWorkspacesLoader(db, principal, UserWorkspace, "user_id"),
  };
}
