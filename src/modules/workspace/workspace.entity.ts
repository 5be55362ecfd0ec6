import { Field, ID, ObjectType } from "type-graphql";
import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Column } from "typeorm";
import { IdColumn, TimestampColumn } from "../../db/columns";
import { Organization } from "../organization/organization.entity";

@ObjectType({ simpleResolvers: true })
@Entity("workspace")
@Index("IDX_workspace_org_created", ["organizationId", "createdAt", "id"])
export class Workspace {
  @Field(() => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @IdColumn("organization_id")
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: "CASCADE" })
  @JoinColumn({ name: "organization_id" })
  organization?: Organization;

  @Field()
  @Column({ type: "varchar", length: 100 })
  name: string;

  @Field()
  @TimestampColumn("created_at")
  createdAt: Date;

  @TimestampColumn("updated_at")
  updatedAt: Date;
}
