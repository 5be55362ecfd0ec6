import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Caller } from "../auth/authenticate";
import { AppError, internalError } from "../errors/app-error";
import { ErrorCode, HTTP_STATUS } from "../errors/codes";
import { ApiKeyEnvironment, ApiKeyPermission, ApiKeyScope, type ApiKey } from "../modules/api-key/api-key.entity";
import type { Organization } from "../modules/organization/organization.entity";
import type { VerifyRequirement } from "../modules/verification/verification.types";
import type { Services } from "../services";
import { keySummary } from "../modules/webhooks/webhook.events";

/** `verifyApiKey` over plain HTTP: the same check, without GraphQL (docs/api.md "Verifying keys over HTTP"). */
export const VERIFY_PATH = "/v1/keys/verify";

/** The longest token looked at: a Latchkey key is far shorter, and anything longer is NOT_FOUND unread. */
const MAX_TOKEN = 1024;

const REQUIRE_FIELDS = new Set(["permission", "workspaceId", "environment", "ip"]);
const BODY_FIELDS = new Set(["token", "require"]);
const PERMISSIONS = new Set<string>(Object.values(ApiKeyPermission));
const ENVIRONMENTS = new Set<string>(Object.values(ApiKeyEnvironment));

const nullableDate = { type: ["string", "null"] } as const;
const nullableString = { type: ["string", "null"] } as const;

/** The answer's shape: fast-json-stringify writes it from this schema, and nothing outside it reaches the client. */
const answerSchema = {
  type: "object",
  required: ["valid", "code", "apiKey", "organization", "rateLimit"],
  properties: {
    valid: { type: "boolean" },
    code: { type: "string" },
    apiKey: {
      type: ["object", "null"],
      properties: {
        id: { type: "string" },
        description: nullableString,
        environment: { type: "string" },
        scope: { type: "string" },
        permission: { type: "string" },
        status: { type: "string" },
        tokenHint: { type: "string" },
        workspaceIds: { type: ["array", "null"], items: { type: "string" } },
        createdAt: { type: "string" },
        expiresAt: nullableDate,
        revokedAt: nullableDate,
        suspendedAt: nullableDate,
        rolledFromId: nullableString,
        rolledToId: nullableString,
        lastUsedAt: nullableDate,
      },
    },
    organization: {
      type: ["object", "null"],
      properties: {
        id: { type: "string" },
        name: { type: "string" },
        externalId: nullableString,
        apiPlan: nullableString,
      },
    },
    rateLimit: {
      type: ["object", "null"],
      properties: { limit: { type: "integer" }, remaining: { type: "integer" }, resetAt: { type: "string" } },
    },
  },
} as const;

const errorSchema = {
  type: "object",
  properties: {
    errors: {
      type: "array",
      items: {
        type: "object",
        properties: {
          message: { type: "string" },
          extensions: {
            type: "object",
            properties: {
              code: { type: "string" },
              field: { type: "string" },
              reason: { type: "string" },
              retryAfter: { type: "integer" },
              requestId: { type: "string" },
            },
          },
        },
      },
    },
  },
} as const;

const bad = (field: string, message: string) => new AppError(ErrorCode.BAD_USER_INPUT, message, { field });

/** A field the body may not have, named back (cut short: the name is the caller's text). */
const unknownField = (name: string) => {
  const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  return bad(shown, `Unknown field "${shown}"`);
};

/** The body, checked as strictly as GraphQL checks the field's arguments: unknown fields and wrong types are refused. */
function parseBody(body: unknown): { token: string; require: VerifyRequirement | null } {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw bad("body", 'The body must be a JSON object: { "token": "…", "require": { … } }');
  const record = body as Record<string, unknown>;
  for (const name of Object.keys(record)) if (!BODY_FIELDS.has(name)) throw unknownField(name);
  const { token, require } = record;
  if (typeof token !== "string") throw bad("token", "token must be a string");
  if (require === undefined || require === null) return { token, require: null };
  if (typeof require !== "object" || Array.isArray(require)) throw bad("require", "require must be an object");
  const given = require as Record<string, unknown>;
  for (const name of Object.keys(given)) if (!REQUIRE_FIELDS.has(name)) throw unknownField(`require.${name}`);
  const { permission, workspaceId, environment, ip } = given;
  if (permission != null && (typeof permission !== "string" || !PERMISSIONS.has(permission)))
    throw bad("require.permission", "require.permission must be READ_ONLY or FULL_ACCESS");
  if (environment != null && (typeof environment !== "string" || !ENVIRONMENTS.has(environment)))
    throw bad("require.environment", "require.environment must be SANDBOX or PRODUCTION");
  if (workspaceId != null && typeof workspaceId !== "string")
    throw bad("require.workspaceId", "require.workspaceId must be a string");
  if (ip != null && typeof ip !== "string") throw bad("require.ip", "require.ip must be a string");
  return {
    token,
    require: {
      permission: (permission as ApiKeyPermission | null | undefined) ?? null,
      workspaceId: workspaceId ?? null,
      environment: (environment as ApiKeyEnvironment | null | undefined) ?? null,
      ip: ip ?? null,
    },
  };
}

/** The key as events describe it (keySummary: never its token, hash or allowlist), with its reach and last use. */
const keyView = (key: ApiKey, workspaceIds: string[] | null, now: Date) => ({
  ...keySummary(key, now),
  workspaceIds,
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
});

const organizationView = (organization: Organization) => ({
  id: organization.id,
  name: organization.name,
  externalId: organization.externalId,
  apiPlan: organization.apiPlan,
});

/** An AppError as GraphQL would have sent it (the same envelope, codes and extensions), with its HTTP status. */
function sendError(reply: FastifyReply, error: AppError) {
  const { http, ...extensions } = error.extensions as { http?: { headers?: Map<string, string> } } & Record<
    string,
    unknown
  >;
  for (const [name, value] of http?.headers ?? []) void reply.header(name, value);
  return reply.code(HTTP_STATUS[error.code]).send({ errors: [{ message: error.message, extensions }] });
}

/** Fastify's own refusals of a body (not JSON, too large, malformed) in the same envelope, code BAD_REQUEST. */
function bodyRefusal(error: { statusCode?: number; code?: string }): { status: number; message: string } | null {
  const status = error.statusCode ?? 500;
  if (status < 400 || status >= 500) return null;
  if (status === 415) return { status, message: "The body must be JSON (Content-Type: application/json)" };
  if (status === 413) return { status, message: `The body is over ${BODY_LIMIT} bytes` };
  return { status, message: "The body is not valid JSON" };
}

/** A verification's body is a token and four short requirements: 16 KiB is far more than any needs. */
const BODY_LIMIT = 16 * 1024;

/**
 * POST /v1/keys/verify: the platform's API asks whether a caller's key is good for a request, as `verifyApiKey`
 * does (the same VerificationService, so the same checks in the same order, the same budget and usage), for
 * one JSON body and no GraphQL: no parse, no validation, no executor. Platform keys only, like the field.
 */
export async function registerVerifyRoute(
  app: FastifyInstance,
  services: Services,
  authenticate: (request: FastifyRequest, now: Date) => Promise<Caller>,
): Promise<void> {
  const outcomes = services.metrics.httpVerifications;
  const fail = (reply: FastifyReply, error: AppError) => {
    outcomes.inc({ outcome: error.code });
    return sendError(reply, error);
  };
  await app.register((scope, _options, done) => {
    scope.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
      const refusal = bodyRefusal(error);
      if (refusal) {
        outcomes.inc({ outcome: ErrorCode.BAD_REQUEST });
        return reply.code(refusal.status).send({
          errors: [{ message: refusal.message, extensions: { code: ErrorCode.BAD_REQUEST } }],
        });
      }
      const requestId = String(request.id);
      request.log.error({ err: error, requestId }, "key verification failed unexpectedly");
      return fail(reply, internalError(requestId));
    });
    scope.post(
      VERIFY_PATH,
      { bodyLimit: BODY_LIMIT, schema: { response: { 200: answerSchema, "4xx": errorSchema, "5xx": errorSchema } } },
      async (request, reply) => {
        const now = new Date();
        try {
          const caller = await authenticate(request, now);
          if (!caller.platformKey) {
            throw caller.principal
              ? new AppError(ErrorCode.FORBIDDEN, "Verifying keys takes a platform key", { wholeRequest: true })
              : new AppError(ErrorCode.UNAUTHENTICATED, "Authentication required: a platform key", {
                  wholeRequest: true,
                });
          }
          const { token, require } = parseBody(request.body);
          const organizationId = caller.principal?.kind === "platform" ? caller.principal.organizationId : null;
          const verification =
            token.length > MAX_TOKEN
              ? { valid: false, code: "NOT_FOUND", apiKey: null, organization: null, rateLimit: null }
              : await services.verification.verify(token, require, now, organizationId);
          const { apiKey, organization, rateLimit } = verification;
          const workspaceIds =
            apiKey && apiKey.scope === ApiKeyScope.WORKSPACE
              ? await services.verification.workspaceIdsOf(apiKey)
              : null;
          outcomes.inc({ outcome: verification.code });
          return reply.send({
            valid: verification.valid,
            code: verification.code,
            apiKey: apiKey ? keyView(apiKey, workspaceIds, now) : null,
            organization: organization ? organizationView(organization) : null,
            rateLimit: rateLimit
              ? { limit: rateLimit.limit, remaining: rateLimit.remaining, resetAt: rateLimit.resetAt.toISOString() }
              : null,
          });
        } catch (error) {
          if (error instanceof AppError) return fail(reply, error);
          const requestId = String(request.id);
          request.log.error({ err: error, requestId }, "key verification failed unexpectedly");
          return fail(reply, internalError(requestId));
        }
      },
    );
    done();
  });
}
