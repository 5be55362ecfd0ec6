import { Arg, Args, Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../../context";
import { CurrentPrincipal } from "../../auth/current-principal";
import type { Principal } from "../../auth/principal";
import type { Connection } from "../../common/pagination";
import { PageArguments } from "../../common/page-args";
import { AuditEventConnection, AuditEventFilter, AuditEventNode } from "./audit.types";

@Resolver(() => AuditEventNode)
export class AuditResolver {
  @Query(() => AuditEventConnection, {
    description:
      "The organization's audit log, newest first (admins; the platform inside an organization). Rows older than AUDIT_RETENTION_DAYS are purged.",
  })
  auditEvents(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("filter", () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | undefined,
    @Args(() => PageArguments) page: PageArguments,
  ): Promise<Connection<AuditEventNode>> {
    return ctx.services.audit.list(principal, { filter, ...page });
  }
}
