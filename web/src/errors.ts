import type { CombinedError } from "urql";

/** A failed request as the page shows it: the server's code and message, and the input field at fault. */
export interface Problem {
  code: string;
  message: string;
  /** The form field at fault: the first segment of `extensions.field` ("workspaceIds.0" → "workspaceIds"). */
  field?: string;
}

export function problemOf(error: CombinedError): Problem {
  const first = error.graphQLErrors[0];
  if (!first)
    return { code: "NETWORK_ERROR", message: "The server could not be reached. Check your connection and try again." };
  const code = typeof first.extensions?.code === "string" ? first.extensions.code : "INTERNAL_SERVER_ERROR";
  const field = typeof first.extensions?.field === "string" ? first.extensions.field.split(".")[0] : undefined;
  // the plan rule is about the environment chosen
  return { code, message: first.message, field: field ?? (code === "API_PLAN_REQUIRED" ? "environment" : undefined) };
}
