import { ArgsType, Field, Int } from "type-graphql";
import type { PageArgs } from "./pagination";

/** The four paging arguments every list takes (SPEC §6: keyset paging, first ≤ 100). */
@ArgsType()
export class PageArguments implements PageArgs {
  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;

  @Field(() => Int, { nullable: true })
  last?: number;

  @Field(() => String, { nullable: true })
  before?: string;
}
