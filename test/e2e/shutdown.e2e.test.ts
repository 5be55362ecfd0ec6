import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";

const MAIN = resolve(__dirname, "..", "..", "dist", "src", "main.js");

describe("graceful shutdown of the real process", () => {
  const dir = mkdtempSync(join(tmpdir(), "latchkey-shutdown-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(["SIGTERM", "SIGINT"] as const)(
    "on %s: stops accepting, finishes in-flight requests, closes the pool, exits 0",
    async (signal) => {
      const database = join(dir, `${signal}.sqlite`);
      const child = spawn(process.execPath, [MAIN], {
        env: {
          PATH: process.env.PATH,
          PORT: "0",
          DATABASE_URL: `sqlite:${database}`,
          DATA_DIR: dir,
          JWT_SECRET: "s".repeat(40),
          LOG_LEVEL: "warn",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
      const deadline = Date.now() + 20_000;
      while (!/Admin token[^\n]*\n\s*\n\s*(\S+)/.test(stdout) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (\S+)/.exec(stdout)![1];
      const token = /Admin token[^\n]*\n\s*\n\s*(\S+)/.exec(stdout)![1];

      const mutation = JSON.stringify({
        query:
          "mutation { createApiKey(input: { environment: SANDBOX, scope: ORGANIZATION, permission: READ_ONLY }) { apiKey { id } } }",
      });
      const outcomes = Array.from({ length: 40 }, () =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: mutation,
        }).then(
          async (r) => ({ status: r.status, body: await r.text() }),
          (error: Error) => ({ status: 0, body: String((error.cause as Error | undefined)?.message ?? error.message) }),
        ),
      );
      await Promise.race(outcomes); // the server is busy with them
      child.kill(signal);
      const results = await Promise.all(outcomes);
      expect(await exited).toBe(0);

      const completed = results.filter((r) => r.status === 200 && r.body.includes('"createApiKey"'));
      // not accepted: the connection was refused, or (keep-alive connection) Fastify answered 503 while closing
      const refused = results.filter((r) => r.status === 0 || r.status === 503);
      // every request either completed normally or was never accepted: none cut off half-way, none failed
      expect(results.filter((r) => !completed.includes(r) && !refused.includes(r))).toEqual([]);
      expect(completed.length).toBeGreaterThan(0);
      // nothing lost: the database holds exactly the keys whose creation was answered
      const db = new Database(database, { readonly: true });
      const { n } = db.prepare("SELECT COUNT(*) AS n FROM api_key").get() as { n: number };
      db.close();
      expect(n).toBe(completed.length);
      await expect(fetch(url, { method: "POST" })).rejects.toThrow();
    },
  );
});
