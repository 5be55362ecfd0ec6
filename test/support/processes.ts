import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { TEST_JWT_SECRET } from "./server";

/** The built server (`npm run build`, which `npm test` runs first). */
export const MAIN = resolve(__dirname, "..", "..", "dist", "src", "main.js");

export interface ServerProcess {
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM (a graceful stop), then its exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown work at all. */
  kill(): Promise<number | null>;
}

/**
 * A real server process (dist/src/main.js) on `databaseUrl`, listening on a free loopback port, with the test
 * JWT secret and no rate budgets unless `env` says otherwise. Resolves once it prints that it is listening.
 */
export async function startServerProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: "warn",
      RATE_LIMIT_KEY_PER_MINUTE: "0",
      RATE_LIMIT_ORG_PER_MINUTE: "0",
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += String(chunk)));
  child.stderr.on("data", (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const deadline = Date.now() + 30_000;
  while (!/listening on (\S+)/.test(output) && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 50));
  const match = /listening on (\S+)/.exec(output);
  if (!match) {
    child.kill("SIGKILL");
    throw new Error(`the server did not start: ${output}`);
  }
  const signal = (name: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };
  return {
    url: match[1],
    origin: new URL(match[1]).origin,
    output: () => output,
    stop: signal("SIGTERM"),
    kill: signal("SIGKILL"),
  };
}
