import { MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { connectionTypes } from "../../common/pagination";
import { Organization } from "./organization.entity";

export const { Edge: OrganizationEdge, Connection: OrganizationConnection } = connectionTypes(
  "Organization",
  Organization,
);

@InputType({ description: "The organization's first admin (the platform provisions the rest with users)." })
export class OrganizationAdminInput {
  @Field({ description: "Normalized to lower case; unique within the organization." })
  @MaxLength(1000)
  email: string;

  @Field(() => String, { nullable: true })
  @MaxLength(1000)
  name?: string | null;

  @Field(() => String, { nullable: true, description: "The SaaS's own id for this user." })
  @MaxLength(1000)
  externalId?: string | null;
}

@InputType()
export class CreateOrganizationInput {
  @Field({ description: "Trimmed; 1 to 200 characters." })
  @MaxLength(1000)
  name: string;

  @Field(() => String, { nullable: true, description: "The platform's own id; unique among organizations." })
  @MaxLength(1000)
  externalId?: string | null;

  @Field(() => String, { nullable: true, description: "Null: no production keys." })
  @MaxLength(1000)
  apiPlan?: string | null;

  @Field(() => OrganizationAdminInput)
  admin: OrganizationAdminInput;
}

@InputType({ description: "A field left out stays as it is; apiPlan: null removes the plan." })
export class UpdateOrganizationInput {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  @MaxLength(1000)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(1000)
  apiPlan?: string | null;
}
