import { AsyncLocalStorage } from "node:async_hooks";

/** Where a request came from, as the audit log records it. */
export interface RequestOrigin {
  /** The client address (request.ip: the socket's, or X-Forwarded-For as TRUST_PROXY allows). */
  ip: string;
  /** The User-Agent header, cut to 255 characters; null without one. */
  userAgent: string | null;
  requestId: string;
}

/**
 * The origin of the request being served, for everything that runs on its behalf (set around the whole request by
 * an onRequest hook); undefined outside a request (the CLI, timers).
 */
export const requestOrigin = new AsyncLocalStorage<RequestOrigin>();
