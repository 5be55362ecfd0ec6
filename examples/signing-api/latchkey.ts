import { print } from "graphql";
import {
  VerifyCallerKeyDocument,
  type VerifyCallerKeyQuery,
  type VerifyCallerKeyQueryVariables,
  type VerifyRequirement,
} from "./gql/graphql";

export type Verification = VerifyCallerKeyQuery["verifyApiKey"];

/** Latchkey, as the platform's API sees it: one typed call, made with the platform's own key. */
export class Latchkey {
  private readonly query = print(VerifyCallerKeyDocument);

  constructor(
    private readonly url: string,
    private readonly platformKey: string,
  ) {}

  async verify(token: string, require: VerifyRequirement): Promise<Verification> {
    const variables: VerifyCallerKeyQueryVariables = { token, require };
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.platformKey}` },
      body: JSON.stringify({ query: this.query, variables }),
    });
    const body = (await response.json()) as { data?: VerifyCallerKeyQuery; errors?: { message: string }[] };
    if (!body.data) throw new Error(`Latchkey answered ${response.status}: ${body.errors?.[0]?.message ?? "no data"}`);
    return body.data.verifyApiKey;
  }
}
