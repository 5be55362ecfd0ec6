import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Config } from "../config";
import { CSS, JS, sendAsset, type Asset } from "./static-asset";

/**
 * The dashboard — the "Developers → API keys" page (web/, docs/dashboard.md) — at `/app`, from the files
 * `npm run build` writes to web/dist: index.html and its content-hashed script and stylesheet, read once at
 * start-up. Every path under /app that is not an asset gets index.html (the page routes in the browser).
 *
 * The page talks to `/graphql` on this origin with the signed-in user's JWT, like any client: it has no
 * privilege of its own. Its policy allows scripts, styles and fetches from this origin only, no inline
 * script or style, and framing only by DASHBOARD_FRAME_ANCESTORS.
 */

export const DASHBOARD_PATH = "/app";
const ASSET_PREFIX = `${DASHBOARD_PATH}/assets/`;

export const dashboardCsp = (frameAncestors: string[]) =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(" ") : "'none'"}`,
  ].join("; ");

const TYPES: Record<string, string> = { ".js": JS, ".css": CSS };

/** web/dist, from src/http (ts-jest) or dist/src/http (the build). */
function builtDir(): string | undefined {
  return [resolve(__dirname, "../../web/dist"), resolve(__dirname, "../../../web/dist")].find((dir) =>
    existsSync(join(dir, "index.html")),
  );
}

interface Built {
  html: Buffer;
  assets: Map<string, Asset>;
}

let loaded: Built | undefined;

/** Read once, when first found (a server started before `npm run build` finds it on a later request). */
function loadBuilt(): Built | undefined {
  if (loaded) return loaded;
  const dir = builtDir();
  if (!dir) return undefined;
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(join(dir, "assets"))) {
    const contentType = TYPES[extname(name)];
    if (contentType) assets.set(name, { name, contentType, body: readFileSync(join(dir, "assets", name)) });
  }
  return (loaded = { html: readFileSync(join(dir, "index.html")), assets });
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dashboard not built</title></head>
<body><main><h1>The dashboard is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>), then reload.</p></main></body></html>
`;

export function registerDashboard(app: FastifyInstance, config: Config): void {
  const csp = dashboardCsp(config.dashboard.frameAncestors);

  const page = async (reply: FastifyReply) => {
    const built = loadBuilt();
    void reply
      .code(built ? 200 : 503)
      .header("content-type", "text/html; charset=utf-8")
      .header("content-security-policy", csp)
      .header("cache-control", "no-store")
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .header("cross-origin-opener-policy", "same-origin");
    // for browsers that predate frame-ancestors
    if (!config.dashboard.frameAncestors.length) void reply.header("x-frame-options", "DENY");
    return reply.send(built?.html ?? NOT_BUILT);
  };

  app.get(DASHBOARD_PATH, (_request, reply) => page(reply));
  app.get(`${DASHBOARD_PATH}/*`, async (request, reply) => {
    const path = request.url.split("?")[0];
    if (!path.startsWith(ASSET_PREFIX)) return page(reply);
    const found = loadBuilt()?.assets.get(path.slice(ASSET_PREFIX.length));
    if (!found) return reply.callNotFound();
    return sendAsset(request, reply, found);
  });
}
