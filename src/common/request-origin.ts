/** Where a request came from, as the audit log records it. */
export interface RequestOrigin {
  /** The client address (request.ip: the socket's, or X-Forwarded-For as TRUST_PROXY allows). */
  ip: string;
  /** The User-Agent header, cut to 255 characters; null without one. */
  userAgent: string | null;
  requestId: string;
}

/** The origin of a Fastify request. */
export function originOf(request: {
  ip: string;
  id: unknown;
  headers: Record<string, string | string[] | undefined>;
}): RequestOrigin {
  const agent = request.headers["user-agent"];
  return {
    ip: request.ip,
    userAgent: typeof agent === "string" ? agent.slice(0, 255) : null,
    requestId: String(request.id),
  };
}
