import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { VerifyRequirement } from "./gql/graphql";
import { Latchkey, type Verification } from "./latchkey";

/**
 * The platform's public API (an e-signature SaaS), protected by Latchkey: every request's `lk_…` key is
 * verified with verifyApiKey, read-only keys may only read, workspace-scope keys only reach their workspaces,
 * and sandbox and production data never mix (each environment has its own store).
 */

interface SignatureRequest {
  id: string;
  workspaceId: string;
  title: string;
  createdAt: string;
}

/** Verification codes as HTTP: who you are (401), what you may do (403), how fast (429). */
const STATUS: Record<Verification["code"], number> = {
  VALID: 200,
  NOT_FOUND: 401,
  REVOKED: 401,
  EXPIRED: 401,
  SUSPENDED: 401,
  IP_NOT_ALLOWED: 403,
  API_PLAN_REQUIRED: 401,
  INSUFFICIENT_PERMISSION: 403,
  WORKSPACE_NOT_IN_SCOPE: 403,
  ENVIRONMENT_MISMATCH: 403,
  RATE_LIMITED: 429,
};

export function buildApp(options: { latchkeyUrl: string; platformKey: string }): FastifyInstance {
  const latchkey = new Latchkey(options.latchkeyUrl, options.platformKey);
  const store = new Map<string, SignatureRequest[]>(); // by organization, environment and workspace
  const app = Fastify({ logger: false });

  /** The caller's verified key, or the reply already sent (401/403/429). */
  async function authorize(request: FastifyRequest, reply: FastifyReply, require: VerifyRequirement) {
    const match = /^Bearer (lk_(?:test|live)_\S+)$/.exec(request.headers.authorization ?? "");
    if (!match) {
      await reply.code(401).send({ error: "missing_api_key" });
      return null;
    }
    // the caller's address, for the key's IP allowlist (request.ip follows Fastify's trustProxy)
    const verification = await latchkey.verify(match[1], { ...require, ip: request.ip });
    if (verification.valid && verification.apiKey && verification.organization) return verification;
    if (verification.code === "RATE_LIMITED" && verification.rateLimit) {
      const seconds = Math.max(1, Math.ceil((Date.parse(verification.rateLimit.resetAt) - Date.now()) / 1000));
      void reply.header("retry-after", String(seconds));
    }
    await reply.code(STATUS[verification.code]).send({ error: verification.code.toLowerCase() });
    return null;
  }

  const bucket = (v: Verification, workspaceId: string) =>
    `${v.organization!.id}:${v.apiKey!.environment}:${workspaceId}`;

  app.get<{ Querystring: { workspace_id?: string } }>("/v3/signature_requests", async (request, reply) => {
    const workspaceId = request.query.workspace_id;
    if (!workspaceId) return reply.code(400).send({ error: "workspace_id is required" });
    const caller = await authorize(request, reply, { workspaceId });
    if (!caller) return reply;
    return { data: store.get(bucket(caller, workspaceId)) ?? [] };
  });

  app.post<{ Body: { workspace_id?: string; title?: string } }>("/v3/signature_requests", async (request, reply) => {
    const { workspace_id: workspaceId, title } = request.body ?? {};
    if (!workspaceId || !title) return reply.code(400).send({ error: "workspace_id and title are required" });
    const caller = await authorize(request, reply, { workspaceId, permission: "FULL_ACCESS" });
    if (!caller) return reply;
    const created = { id: randomUUID(), workspaceId, title, createdAt: new Date().toISOString() };
    const key = bucket(caller, workspaceId);
    store.set(key, [...(store.get(key) ?? []), created]);
    return reply.code(201).send({ data: created });
  });

  return app;
}
