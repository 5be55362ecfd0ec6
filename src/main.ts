import "reflect-metadata";
import { ConfigError, formatDuration, loadConfig } from "./config";
import { openDataSource } from "./db/data-source";
import { DASHBOARD_PATH } from "./http/dashboard";
import { DEMO_ADMIN_EMAIL, seedDemo } from "./seed";
import { createServer } from "./server";

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDataSource(config.databaseUrl, { replicaUrls: config.databaseReplicaUrls });
  const { app, services, metricsApp } = await createServer(config, db);

  let demo: Awaited<ReturnType<typeof seedDemo>> | null = null;
  if (!config.production && (await services.organizationAdmin.isEmpty())) demo = await seedDemo(services);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down");
    await app.close(); // stops accepting, lets in-flight requests finish
    await db.destroy();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  const address = await app.listen({ port: config.port, host: config.host });
  if (metricsApp) await metricsApp.listen({ port: config.metrics.port, host: config.host });
  const url = `${address}/graphql`;
  process.stdout.write(`\nLatchkey is listening on ${url}\n`);
  const lifetime = formatDuration(config.jwt.maxTtlSeconds);
  const freshToken = `npx latchkey token --email ${DEMO_ADMIN_EMAIL} --expires-in ${lifetime}`;
  // outside production, every start of the demo database signs the demo admin in to the dashboard
  const demoAdmin = demo
    ? null
    : !config.production
      ? (await services.organizationAdmin.findUsersByEmail(DEMO_ADMIN_EMAIL))[0]
      : undefined;
  const dashboardToken = demo
    ? demo.adminToken
    : demoAdmin
      ? await services.jwt.sign(demoAdmin.id, config.jwt.maxTtlSeconds)
      : null;
  const dashboard = dashboardToken
    ? [
        "",
        `The API keys page, signed in as ${DEMO_ADMIN_EMAIL} for ${lifetime} (open it in a browser):`,
        "",
        `  ${address}${DASHBOARD_PATH}#token=${dashboardToken}`,
        "",
      ]
    : [];
  if (demo) {
    process.stdout.write(
      [
        ...dashboard,
        `Seeded a demo organization (two workspaces, one admin: ${DEMO_ADMIN_EMAIL}). Admin token, valid ${lifetime}:`,
        "",
        `  ${demo.adminToken}`,
        "",
        "Try it:",
        `  curl -s ${url} -H 'content-type: application/json' -H 'authorization: Bearer ${demo.adminToken}' \\`,
        `    -d '{"query":"{ viewer { organization { name apiKeyQuota { active limit } } } }"}'`,
        "",
        `A fresh token later: ${freshToken}`,
        "",
      ].join("\n") + "\n",
    );
  } else if (demoAdmin) {
    // the token printed at the first start is gone for good: say how to get another on every start
    process.stdout.write(
      [
        ...dashboard,
        `Demo organization: admin ${DEMO_ADMIN_EMAIL}. A fresh admin token:`,
        "",
        `  ${freshToken}`,
        "",
        "",
      ].join("\n"),
    );
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(error.message + "\n");
  } else {
    process.stderr.write(`Latchkey failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
