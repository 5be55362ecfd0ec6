import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { FastifyInstance } from "fastify";
import Negotiator from "negotiator";
import type { Config } from "../config";
import { CSS, hashedAsset as asset, JS, sendAsset, type Asset } from "./static-asset";

/**
 * GraphiQL at `GET /graphql` for browsers, served entirely from the server's own files (SPEC §8: no CDN).
 *
 * graphiql@4 still ships a UMD bundle that runs on React 18's UMD builds, so the page is four static files
 * read once from node_modules at start-up (react, react-dom, graphiql's script and stylesheet), plus a small
 * bootstrap script and stylesheet of our own, each under a content-hashed name. Nothing on the page
 * refers to another origin, and a strict Content-Security-Policy (scripts, styles and fetches from 'self'
 * only, no inline script; the one exception is the <style> elements GraphiQL's dialogs inject, allowed by a
 * per-response nonce) makes sure nothing else is loaded either.
 *
 * On when `config.introspection` is (by default outside production; in production only with
 * GRAPHQL_INTROSPECTION=true). When off, nothing is registered: `GET /graphql` from a browser reaches Apollo
 * like any other GET (whose landing page is disabled), and the asset routes do not exist.
 */

export const GRAPHIQL_ENDPOINT = "/graphql";
export const GRAPHIQL_ASSET_PREFIX = "/graphiql/assets/";

/** Prefilled in the headers editor: the caller pastes a user JWT or an API key after "Bearer ". */
const DEFAULT_HEADERS = JSON.stringify({ Authorization: "Bearer " }, null, 2);

const DEFAULT_QUERY = `# Latchkey GraphiQL
#
# Put a credential after "Bearer " in the Headers
# pane below: a user's JWT (npm run cli -- token
# --email …) or an API key (lk_test_… / lk_live_…),
# then run the query with ▶ or Ctrl+Enter.

{
  viewer {
    user { email }
    apiKey { id scope permission }
    organization { name }
  }
}
`;

/** Sizes the page to the window; a file because the CSP allows no inline style. */
const PAGE_CSS = `html, body, #graphiql { height: 100%; margin: 0; overflow: hidden; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.latchkey-noscript { padding: 2rem; }
`;

/**
 * The bootstrap, run after React, ReactDOM and GraphiQL's UMD bundles have set their globals. Plain ES2017
 * for the browser: it is served as a file, not inlined, so the CSP needs no 'unsafe-inline'.
 */
const INIT_JS = `"use strict";
(function () {
  var container = document.getElementById("graphiql");
  var endpoint = container.getAttribute("data-endpoint");
  // GraphiQL's dialogs (settings, shortcuts) lock scrolling with an injected <style>: the bundled
  // react-style-singleton gives it this nonce, which the page's CSP allows for this response only.
  window.__webpack_nonce__ = container.getAttribute("data-style-nonce") || undefined;

  // GraphiQL hands over the parsed contents of its headers editor. An Authorization header that is still the
  // blank "Bearer " template is dropped (the server would refuse it with 401), so introspection and the docs
  // work before a credential is pasted.
  function requestHeaders(given) {
    var headers = new Headers();
    Object.keys(given || {}).forEach(function (name) {
      var value = given[name];
      if (value === undefined || value === null) return;
      value = String(value);
      if (name.toLowerCase() === "authorization" && /^\\s*(bearer\\s*)?$/i.test(value)) return;
      headers.set(name, value);
    });
    // Apollo's CSRF prevention accepts a POST with content-type application/json.
    headers.set("content-type", "application/json");
    if (!headers.has("accept")) headers.set("accept", "application/graphql-response+json, application/json;q=0.9");
    return headers;
  }

  async function fetcher(params, options) {
    var headers;
    try {
      headers = requestHeaders(options && options.headers);
    } catch (error) {
      return { errors: [{ message: "Invalid header: " + (error && error.message ? error.message : String(error)) }] };
    }
    var response = await fetch(endpoint, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(params),
      credentials: "same-origin",
    });
    var text = await response.text();
    try {
      return JSON.parse(text);
    } catch (error) {
      return { errors: [{ message: "HTTP " + response.status + " " + response.statusText + ": " + text }] };
    }
  }

  ReactDOM.createRoot(container).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      defaultHeaders: ${JSON.stringify(DEFAULT_HEADERS)},
      defaultEditorToolsVisibility: "headers",
      shouldPersistHeaders: false,
      showPersistHeadersSettings: false,
    }),
  );
})();
`;

/**
 * The page's policy: everything from this origin only, no inline script, nothing may frame it. Inline
 * <style> only with the response's nonce (see INIT_JS); inline style attributes not at all.
 */
export const graphiqlCsp = (styleNonce: string) =>
  [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${styleNonce}'`,
    // GraphiQL's stylesheet embeds its fonts and two icons as data: URLs.
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");

/** A file of an installed package; resolved from its package.json since these packages do not export them. */
function packageFile(packageName: string, file: string): Buffer {
  const root = dirname(require.resolve(`${packageName}/package.json`));
  return readFileSync(join(root, file));
}

/** Source maps are not served: drop the trailing reference so browser devtools do not ask for them. */
function withoutSourceMapComment(body: Buffer): Buffer {
  const text = body.toString("utf8");
  const stripped = text.replace(/\n?(\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=\S+ \*\/)\s*$/, "\n");
  return stripped === text ? body : Buffer.from(stripped, "utf8");
}

type Assets = ReturnType<typeof readAssets>;

function readAssets() {
  return {
    reactJs: asset(
      "react.production.min.js",
      JS,
      withoutSourceMapComment(packageFile("react", "umd/react.production.min.js")),
    ),
    reactDomJs: asset(
      "react-dom.production.min.js",
      JS,
      withoutSourceMapComment(packageFile("react-dom", "umd/react-dom.production.min.js")),
    ),
    graphiqlJs: asset("graphiql.min.js", JS, withoutSourceMapComment(packageFile("graphiql", "graphiql.min.js"))),
    graphiqlCss: asset("graphiql.min.css", CSS, withoutSourceMapComment(packageFile("graphiql", "graphiql.min.css"))),
    pageCss: asset("latchkey-graphiql.css", CSS, Buffer.from(PAGE_CSS, "utf8")),
    initJs: asset("init.js", JS, Buffer.from(INIT_JS, "utf8")),
  };
}

let loaded: Assets | undefined;

/** Read on the first registration, then shared by every server in the process (the tests start many). */
function loadAssets(): Assets {
  return (loaded ??= readAssets());
}

function renderPage(assets: Assets, styleNonce: string): string {
  const href = (a: Asset) => `${GRAPHIQL_ASSET_PREFIX}${a.name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Latchkey · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${href(assets.graphiqlCss)}">
<link rel="stylesheet" href="${href(assets.pageCss)}">
<script src="${href(assets.reactJs)}" defer></script>
<script src="${href(assets.reactDomJs)}" defer></script>
<script src="${href(assets.graphiqlJs)}" defer></script>
<script src="${href(assets.initJs)}" defer></script>
</head>
<body>
<div id="graphiql" data-endpoint="${GRAPHIQL_ENDPOINT}" data-style-nonce="${styleNonce}"><noscript><p class="latchkey-noscript">GraphiQL needs JavaScript. Send GraphQL requests with <code>POST ${GRAPHIQL_ENDPOINT}</code>.</p></noscript></div>
</body>
</html>
`;
}

const JSON_TYPES = ["application/json", "application/graphql-response+json"];

/**
 * True when the Accept header prefers HTML to JSON: a browser navigating to the URL, not a GraphQL client
 * (which sends application/json, application/graphql-response+json, or any type). `negotiator` decides,
 * as for Apollo's own landing page: on equal q-values the type listed first wins, and JSON wins for "any type".
 */
export function prefersHtml(accept: string | undefined): boolean {
  return new Negotiator({ headers: { accept } }).mediaType([...JSON_TYPES, "text/html"]) === "text/html";
}

/**
 * Serves GraphiQL for browsers at `GET /graphql` and its files under `/graphiql/assets/`. Call it before the
 * Apollo integration is registered: its onRequest hook answers a browser's GET before Apollo's GET handler,
 * and leaves every other request (POST, or a GET whose Accept prefers JSON) to Apollo untouched.
 */
export function registerGraphiql(app: FastifyInstance, config: Config): void {
  if (!config.introspection) return;

  const assets = loadAssets();
  const byName = new Map<string, Asset>(Object.values(assets).map((a) => [a.name, a]));

  app.addHook("onRequest", async (request, reply) => {
    if (request.method !== "GET" || request.routeOptions.url !== GRAPHIQL_ENDPOINT) return;
    if (!prefersHtml(request.headers.accept)) return;
    const styleNonce = randomBytes(16).toString("base64");
    return reply
      .code(200)
      .header("content-type", "text/html; charset=utf-8")
      .header("content-security-policy", graphiqlCsp(styleNonce))
      .header("cache-control", "no-store") // a fresh nonce each time
      .header("x-content-type-options", "nosniff")
      .header("x-frame-options", "DENY")
      .header("referrer-policy", "no-referrer")
      .header("vary", "accept")
      .send(renderPage(assets, styleNonce));
  });

  app.get<{ Params: { name: string } }>(`${GRAPHIQL_ASSET_PREFIX}:name`, async (request, reply) => {
    const found = byName.get(request.params.name);
    if (!found) return reply.callNotFound();
    return sendAsset(request, reply, found);
  });
}
