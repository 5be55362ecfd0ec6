import { Field, ObjectType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { IdColumn } from "../../db/columns";
import { ApiKeyEnvironment, CreatedByActor } from "../api-key/api-key.entity";
import { Workspace } from "../workspace/workspace.entity";

/** The example workspace resource that API keys protect (SPEC §1). */
@ObjectType({ simpleResolvers: true, description: "A workspace resource, the kind of data API keys protect." })
@Entity("document")
@Index("IDX_document_org_created", ["organizationId", "createdAt", "id"])
@Index("IDX_document_workspace_created", ["workspaceId", "createdAt", "id"])
export class Document extends CreatedByActor {
  @IdColumn("workspace_id")
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: "CASCADE" })
  @JoinColumn({ name: "workspace_id" })
  workspace?: Workspace;

  @Field(() => ApiKeyEnvironment)
  @Column({ type: "varchar", length: 16 })
  environment: ApiKeyEnvironment;

  @Field()
  @Column({ type: "varchar", length: 200 })
  title: string;
}
