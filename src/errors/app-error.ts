import { GraphQLError } from "graphql";
import { ErrorCode, HTTP_STATUS } from "./codes";

export interface AppErrorOptions {
  /** The input field at fault (`extensions.field`). */
  field?: string;
  /** The error fails the whole request: the response takes the code's HTTP status (HTTP_STATUS). */
  wholeRequest?: boolean;
  /** Response headers of a whole-request failure (Retry-After). */
  headers?: Record<string, string>;
  /** More `extensions` the client reads (retryAfter, requestId). */
  extensions?: Record<string, unknown>;
}

/** The one error type of the server: its code is always one of SPEC §7. */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    const { field, wholeRequest, headers, extensions } = options;
    super(message, {
      extensions: {
        code,
        ...(field ? { field } : {}),
        ...extensions,
        // Apollo reads `http` for the response's status and headers, and never sends it to the client
        ...(wholeRequest
          ? { http: { status: HTTP_STATUS[code], headers: new Map(Object.entries(headers ?? {})) } }
          : {}),
      },
    });
    this.code = code;
  }
}

export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
/** The value, or NOT_FOUND ("<what> not found") when it is missing or out of reach. */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw notFound(what);
  return value;
}
export const forbidden = (message = "Not allowed") => new AppError(ErrorCode.FORBIDDEN, message);
export const badInput = (field: string, message: string) => new AppError(ErrorCode.BAD_USER_INPUT, message, { field });
/** HTTP 401: the credential is no good (a field error carrying it still turns the response into a 401). */
export const unauthenticated = (message = "Authentication required") =>
  new AppError(ErrorCode.UNAUTHENTICATED, message, { wholeRequest: true });

/** What the client gets for an unexpected failure: no detail, only the request id to quote to support. */
export const internalError = (requestId: string) =>
  new AppError(ErrorCode.INTERNAL_SERVER_ERROR, `Internal server error (request id ${requestId})`, {
    wholeRequest: true,
    extensions: { requestId },
  });
