import { ArrayMaxSize, MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { connectionTypes } from "../../common/pagination";
import { User, UserRole } from "./user.entity";

export const { Edge: UserEdge, Connection: UserConnection } = connectionTypes("User", User);

@InputType()
export class CreateUserInput {
  @Field({ description: "Unique within the organization; stored lower-cased." })
  @MaxLength(1000)
  email: string;

  @Field(() => String, { nullable: true })
  @MaxLength(1000)
  name?: string | null;

  @Field(() => UserRole)
  role: UserRole;

  @Field(() => String, {
    nullable: true,
    description: "The SaaS's own id for this user; unique within the organization.",
  })
  @MaxLength(1000)
  externalId?: string | null;

  @Field(() => [ID], { nullable: true, description: "Workspaces the user is a member of." })
  @ArrayMaxSize(1000)
  workspaceIds?: string[] | null;
}

@InputType()
export class UpdateUserInput {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: "Absent: unchanged; null or blank: cleared." })
  @MaxLength(1000)
  name?: string | null;

  @Field(() => UserRole, { nullable: true, description: "The organization's last admin cannot be demoted." })
  role?: UserRole | null;

  @Field(() => String, { nullable: true, description: "Absent: unchanged; null or blank: cleared." })
  @MaxLength(1000)
  externalId?: string | null;

  @Field(() => [ID], { nullable: true, description: "Replaces the memberships when given." })
  @ArrayMaxSize(1000)
  workspaceIds?: string[] | null;
}
