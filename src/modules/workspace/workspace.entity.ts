import { Field, ObjectType } from "type-graphql";
import { Entity, Index, Column } from "typeorm";

import { OrganizationScoped } from "../organization/organization-scoped";

@ObjectType({ simpleResolvers: true })
@Entity("workspace")
@Index("IDX_workspace_org_created", ["organizationId", "createdAt", "id"])
export class Workspace extends OrganizationScoped {
  @Field()
  @Column({ type: "varchar", length: 100 })
  name: string;
}
