import type { GraphQLFormattedError } from "graphql";
import { ErrorCode, isErrorCode } from "./codes";

interface ValidationIssue {
  property?: string;
  constraints?: Record<string, string>;
  children?: ValidationIssue[];
}

function firstValidationIssue(
  issues: ValidationIssue[],
  path: string[] = [],
): { field: string; message: string } | null {
  for (const issue of issues) {
    const here = issue.property ? [...path, issue.property] : path;
    const message = issue.constraints ? Object.values(issue.constraints)[0] : undefined;
    if (message) return { field: here.filter((p) => p !== "input").join(".") || "input", message };
    const nested = issue.children && firstValidationIssue(issue.children, here);
    if (nested) return nested;
  }
  return null;
}

/**
 * Shapes every error a client sees: known codes pass (without stack traces), class-validator
 * failures become BAD_USER_INPUT with `field`, anything else becomes a generic INTERNAL_SERVER_ERROR.
 * Logging the original, with the request id, is `errorLoggingPlugin`'s job.
 */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return shapeError(formatted);
}

/**
 * In production the schema is not for strangers to map: besides Apollo's hidden field suggestions, enum
 * and field hints in variable coercion errors ("Did you mean …?") are cut too.
 */
export function productionFormatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const shaped = shapeError(formatted);
  return shaped.message.includes("Did you mean") ? { ...shaped, message: withoutSuggestions(shaped.message) } : shaped;
}

const withoutSuggestions = (message: string) => message.replace(/\s*Did you mean [^]*$/, "");

function shapeError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const ext = formatted.extensions ?? {};
  const code = ext.code;
  const validationErrors = ext.validationErrors as ValidationIssue[] | undefined;
  if (code === ErrorCode.BAD_USER_INPUT && Array.isArray(validationErrors)) {
    const issue = firstValidationIssue(validationErrors);
    return {
      message: issue?.message ?? formatted.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code, ...(issue ? { field: issue.field } : {}) },
    };
  }
  // Apollo's own request errors are the client's fault: BAD_REQUEST, not a logged internal error
  if (
    code === "PERSISTED_QUERY_NOT_SUPPORTED" ||
    code === "PERSISTED_QUERY_NOT_FOUND" ||
    code === "OPERATION_RESOLUTION_FAILURE"
  ) {
    return {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.BAD_REQUEST },
    };
  }
  if (isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    const { stacktrace: _stack, exception: _exception, ...rest } = ext as Record<string, unknown>;
    return {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { ...rest, code },
    };
  }
  if (code === ErrorCode.INTERNAL_SERVER_ERROR && typeof ext.requestId === "string") {
    // already masked by internalError(), which names only the request id
    return { message: formatted.message, extensions: { code, requestId: ext.requestId } };
  }
  return {
    message: "Internal server error",
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** True for errors that formatError masks: those are logged in full with the request id. */
export function isInternal(error: { extensions?: Record<string, unknown> }): boolean {
  const code = error.extensions?.code;
  return !isErrorCode(code) || code === ErrorCode.INTERNAL_SERVER_ERROR;
}
