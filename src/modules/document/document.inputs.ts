import { MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { connectionTypes } from "../../common/pagination";
import { ApiKeyEnvironment } from "../api-key/api-key.entity";
import { Document } from "./document.entity";

export const { Edge: DocumentEdge, Connection: DocumentConnection } = connectionTypes("Document", Document);

@InputType()
export class CreateDocumentInput {
  @Field(() => ID)
  workspaceId: string;

  @Field({ description: "Trimmed; 1 to 200 characters, no control characters." })
  @MaxLength(2000)
  title: string;

  @Field(() => ApiKeyEnvironment, {
    nullable: true,
    description: "Required for users; a key may omit it (its own is used).",
  })
  environment?: ApiKeyEnvironment | null;
}

@InputType()
export class UpdateDocumentInput {
  @Field(() => ID)
  id: string;

  @Field({ description: "Trimmed; 1 to 200 characters, no control characters." })
  @MaxLength(2000)
  title: string;
}
