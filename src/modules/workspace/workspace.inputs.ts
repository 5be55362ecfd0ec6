import { MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { connectionTypes } from "../../common/pagination";
import { Workspace } from "./workspace.entity";

export const { Edge: WorkspaceEdge, Connection: WorkspaceConnection } = connectionTypes("Workspace", Workspace);

@InputType()
export class CreateWorkspaceInput {
  @Field({ description: "Trimmed; 1 to 100 characters, no control characters." })
  @MaxLength(1000)
  name: string;
}

@InputType()
export class UpdateWorkspaceInput {
  @Field(() => ID)
  id: string;

  @Field({ description: "Trimmed; 1 to 100 characters, no control characters." })
  @MaxLength(1000)
  name: string;
}
