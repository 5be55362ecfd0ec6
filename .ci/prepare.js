// `npm ci` and `npm install` run this (package.json "prepare"): it builds dist/ once, so that
// `npx latchkey …` and `npm run cli -- …` run the compiled CLI without compiling on each call.
//
// It does not build:
// - under `npx latchkey` (npm_command=exec). npm 11 runs a project's own bin by linking the project
//   into its npx cache (~/.npm/_npx/<hash>/node_modules/latchkey), and that first link runs
//   `prepare` again: a second, silent ~15 s build inside the first `npx latchkey` call. dist/ is
//   already there from the install, so that one is skipped (it still builds when dist/ is missing).
// - without TypeScript (`npm ci --omit=dev`, e.g. an image that copies in a dist/ built elsewhere).
const { spawnSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");

if (process.env.npm_command === "exec" && existsSync(join(root, "dist", "src", "cli.js"))) process.exit(0);

try {
  require.resolve("typescript", { paths: [root] });
} catch {
  console.error("latchkey: TypeScript is not installed (--omit=dev?): not building dist/");
  process.exit(0);
}

const npm = process.env.npm_execpath;
const build = npm
  ? spawnSync(process.execPath, [npm, "run", "build"], { cwd: root, stdio: "inherit" })
  : spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit", shell: true });
if (build.error) throw build.error;
process.exit(build.status ?? 1);
