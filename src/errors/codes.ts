/** The closed list of `extensions.code` values a client can meet (SPEC §7). */
export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  API_PLAN_REQUIRED: "API_PLAN_REQUIRED",
  API_KEY_LIMIT_REACHED: "API_KEY_LIMIT_REACHED",
  RATE_LIMITED: "RATE_LIMITED",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  GRAPHQL_PARSE_FAILED: "GRAPHQL_PARSE_FAILED",
  GRAPHQL_VALIDATION_FAILED: "GRAPHQL_VALIDATION_FAILED",
  BAD_REQUEST: "BAD_REQUEST",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 429 | 500;

/**
 * The HTTP status of a response when an error with this code fails the whole request, before any field
 * ran (authentication, budgets, an unexpected failure; Apollo's parse and validation errors). An error in a
 * field's result leaves the response 200, whatever its code: the other fields may have succeeded.
 */
export const HTTP_STATUS: Record<ErrorCode, HttpStatus> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  API_PLAN_REQUIRED: 403,
  API_KEY_LIMIT_REACHED: 409,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
};

const known = new Set<string>(Object.values(ErrorCode));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && known.has(value);
}
