import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [k: string]: unknown };
}

export interface GraphQLResult<TData> {
  status: number;
  data: TData | null | undefined;
  errors: GraphQLErrorBody[] | undefined;
  /** The raw response text, to check what never may appear in it (tokens, SQL). */
  text: string;
}

/**
 * A tiny typed GraphQL client over fetch, the kind a frontend app would use: the document's
 * TypedDocumentNode types both the variables and the result. It imports nothing but `graphql` and
 * the TypedDocumentNode types, so a frontend can copy this file as is. (In the tests, every error
 * body is also checked for leaked secrets: test/support/no-secrets-in-errors.ts wraps `fetch`.)
 */
export async function graphql<TData, TVars>(
  url: string,
  document: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  credential?: string | null,
  headers: Record<string, string> = {},
): Promise<GraphQLResult<TData>> {
  return rawGraphql<TData>(url, { query: print(document), variables }, credential, headers);
}

/** Sends any body (an untyped query string, say) and parses the answer. */
export async function rawGraphql<TData = Record<string, unknown>>(
  url: string,
  body: { query: string; variables?: unknown },
  credential?: string | null,
  headers: Record<string, string> = {},
): Promise<GraphQLResult<TData>> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(credential ? { authorization: `Bearer ${credential}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: { data?: TData | null; errors?: GraphQLErrorBody[] } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // non-JSON answers keep data and errors undefined; `text` shows what came back
  }
  return { status: response.status, data: parsed.data, errors: parsed.errors, text };
}

/** The codes of a result's errors, in order (what a client would branch on). */
export const codesOf = (result: { errors?: GraphQLErrorBody[] }) =>
  (result.errors ?? []).map((e) => e.extensions?.code);
