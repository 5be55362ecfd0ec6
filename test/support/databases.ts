import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";

export type DatabaseKind = "sqlite" | "mysql";

/** SQLite always; MySQL/MariaDB too when TEST_MYSQL_URL is set. */
export const databases: DatabaseKind[] = process.env.TEST_MYSQL_URL ? ["sqlite", "mysql"] : ["sqlite"];

export interface ScratchDatabase {
  /** The database's (schema's) name; the file's for SQLite. */
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A brand-new empty database: a temp SQLite file, or a new schema on a MySQL/MariaDB server — TEST_MYSQL_URL's, or
 * `server` (a cluster's node: the schema is the same name on every node of a cluster or replica set).
 */
export async function scratchDatabase(
  kind: DatabaseKind,
  server = process.env.TEST_MYSQL_URL!,
): Promise<ScratchDatabase> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "latchkey-test-"));
    return {
      name: "test.sqlite",
      url: `sqlite:${join(dir, "test.sqlite")}`,
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  const base = new URL(server);
  const name = `latchkey_t_${randomBytes(6).toString("hex")}`;
  const admin = await createConnection({ uri: mysqlUri(base) });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const [[{ version }]] = (await admin.query("SELECT VERSION() AS version")) as unknown as [[{ version: string }]];
  await admin.end();
  // a MariaDB server is spoken to in TypeORM's MariaDB dialect, as the README tells users to
  const scheme = /mariadb/i.test(version) ? "mariadb:" : "mysql:";
  return {
    name,
    url: onDatabase(base.toString().replace(/^(mysql|mariadb):/, scheme), name),
    drop: async () => {
      const conn = await createConnection({ uri: mysqlUri(base) });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

/** mysql2 only knows the mysql:// scheme; mariadb:// is ours (it picks TypeORM's MariaDB dialect). */
export const mysqlUri = (url: URL | string) => url.toString().replace(/^mariadb:/, "mysql:");

/** The same server's URL on database `name` (another node of a cluster, a replica). */
export function onDatabase(serverUrl: string, name: string): string {
  const scheme = /^mariadb:/.test(serverUrl) ? "mariadb:" : "mysql:";
  const url = new URL(mysqlUri(serverUrl));
  url.pathname = `/${name}`;
  return url.toString().replace(/^mysql:/, scheme);
}
