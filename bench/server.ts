// The server as the benchmark runs it: exactly src/main.ts's start-up (config, migrations, createServer,
// listen) plus two measuring aids that exist only here, never in the shipped entry point:
//   BENCH_COUNT_SQL=1       count every statement TypeORM sends; GET /__bench/sql-count answers the total
//   BENCH_DISABLE_SHIELD=1  serve the schema without graphql-shield (to price authorization)
import "reflect-metadata";
import type { Logger } from "typeorm";
import { loadConfig } from "../src/config";
import { openDataSource } from "../src/db/data-source";
import { createServer } from "../src/server";

const statements = { count: 0 };
const countingLogger: Logger = {
  logQuery: () => void statements.count++,
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};

async function main(): Promise<void> {
  const config = loadConfig();
  const counting = process.env.BENCH_COUNT_SQL === "1";
  const db = await openDataSource(config.databaseUrl, counting ? { logger: countingLogger } : {});
  const authorization = process.env.BENCH_DISABLE_SHIELD !== "1";
  const { app } = await createServer(config, db, { authorization });
  if (!authorization) app.log.warn("BENCH_DISABLE_SHIELD=1: graphql-shield is OFF (benchmark comparison only)");
  if (counting) app.get("/__bench/sql-count", () => Promise.resolve({ count: statements.count }));
  const shutdown = async () => {
    await app.close();
    await db.destroy();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
  const address = await app.listen({ port: config.port, host: config.host });
  process.stdout.write(`Latchkey (bench build) is listening on ${address}/graphql\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
