import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { FastifyReply, FastifyRequest } from "fastify";
import Negotiator from "negotiator";

/** A file the server serves from memory (GraphiQL's, the dashboard's), under a content-hashed URL. */
export interface Asset {
  /** The logical name with a content hash, so it can be cached forever. */
  name: string;
  contentType: string;
  body: Buffer;
  gzipped?: Buffer;
}

export const JS = "text/javascript; charset=utf-8";
export const CSS = "text/css; charset=utf-8";

/** An asset named `<stem>.<hash of body>.<ext>`. */
export function hashedAsset(logicalName: string, contentType: string, body: Buffer): Asset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  const dot = logicalName.lastIndexOf(".");
  return { name: `${logicalName.slice(0, dot)}.${hash}${logicalName.slice(dot)}`, contentType, body };
}

function acceptsGzip(request: FastifyRequest): boolean {
  return new Negotiator(request).encoding(["gzip", "identity"]) === "gzip";
}

/** Sends an asset cached for a year (its name changes with its content), gzipped when the client takes it. */
export function sendAsset(request: FastifyRequest, reply: FastifyReply, a: Asset) {
  void reply
    .header("content-type", a.contentType)
    .header("cache-control", "public, max-age=31536000, immutable")
    .header("x-content-type-options", "nosniff")
    .header("cross-origin-resource-policy", "same-origin")
    .header("vary", "accept-encoding");
  if (acceptsGzip(request)) {
    a.gzipped ??= gzipSync(a.body, { level: 9 }); // once per asset, on first use
    return reply.header("content-encoding", "gzip").send(a.gzipped);
  }
  return reply.send(a.body);
}
