import { ObjectType } from "type-graphql";
import { JoinColumn, ManyToOne } from "typeorm";
import { IdColumn, Timestamped } from "../../db/columns";
import { Organization } from "./organization.entity";

/** What every row of a tenant has: its organization (deleted with it), besides id and timestamps. */
@ObjectType({ simpleResolvers: true })
export abstract class OrganizationScoped extends Timestamped {
  @IdColumn("organization_id")
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: "CASCADE" })
  @JoinColumn({ name: "organization_id" })
  organization?: Organization;
}
