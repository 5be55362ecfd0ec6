// Builds the dashboard (web/src) into web/dist: one script and one stylesheet under content-hashed names, and
// the index.html that loads them. The server serves web/dist at /app (src/http/dashboard.ts); `npm run build`
// (so `npm start` and `npm test`) runs this. esbuild bundles and minifies; nothing is fetched at run time.
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });

const result = await build({
  entryPoints: [join(here, "src/main.tsx")],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2022"],
  platform: "browser",
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
  outdir: join(out, "assets"),
  entryNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
const script = outputs.find((name) => name.endsWith(".js"));
const stylesheet = outputs.find((name) => name.endsWith(".css"));
if (!script || !stylesheet)
  throw new Error(`the dashboard build made ${outputs.join(", ")}: a script and a stylesheet expected`);

writeFileSync(
  join(out, "index.html"),
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>API keys · Developers</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app/assets/${stylesheet}">
<script type="module" src="/app/assets/${script}"></script>
</head>
<body>
<div id="root"><noscript><p>The API keys page needs JavaScript.</p></noscript></div>
</body>
</html>
`,
);
