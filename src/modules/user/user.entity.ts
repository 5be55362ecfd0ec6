import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";

import { OrganizationScoped } from "../organization/organization-scoped";
import { Workspace } from "../workspace/workspace.entity";

export enum UserRole {
  ADMIN = "ADMIN",
  MEMBER = "MEMBER",
}
registerEnumType(UserRole, { name: "UserRole" });

@ObjectType({ simpleResolvers: true })
@Entity("user")
@Index("IDX_user_org_created", ["organizationId", "createdAt", "id"])
// unique within an organization only: a global index told anyone whether an address exists in another tenant
@Index("UQ_user_org_email", ["organizationId", "email"], { unique: true })
@Index("UQ_user_org_external_id", ["organizationId", "externalId"], { unique: true })
export class User extends OrganizationScoped {
  @Field()
  @Column({ type: "varchar", length: 254 })
  email: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 200, nullable: true })
  name: string | null;

  @Field(() => UserRole)
  @Column({ type: "varchar", length: 16 })
  role: UserRole;

  @Field(() => String, {
    nullable: true,
    description: "The SaaS's own id for this user (unique within the organization).",
  })
  @Column({ name: "external_id", type: "varchar", length: 255, nullable: true })
  externalId: string | null;
}

/** A user's membership of a workspace. */
@Entity("user_workspace")
@Index("IDX_user_workspace_workspace", ["workspaceId"])
export class UserWorkspace {
  @PrimaryColumn({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  @PrimaryColumn({ name: "workspace_id", type: "varchar", length: 36 })
  workspaceId: string;

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User;

  @ManyToOne(() => Workspace, { onDelete: "CASCADE" })
  @JoinColumn({ name: "workspace_id" })
  workspace?: Workspace;
}
