import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { createConnection, type Connection as MysqlConnection } from "mysql2/promise";

export type DbKind = "sqlite" | "mysql";

/** One database the bench runs against: what the server gets as DATABASE_URL, and how the bench reaches it directly. */
export interface DbTarget {
  kind: DbKind;
  /** Label used in reports: "sqlite" or "mariadb" / "mysql". */
  label: string;
  /** DATABASE_URL for the server (sqlite:<file>, mysql://… or mariadb://…). */
  serverUrl: string;
  /** sqlite: the file. */
  sqlitePath?: string;
  /** mysql2 needs mysql:// even for MariaDB. */
  mysqlUri?: string;
}

export const ROOT = join(__dirname, "..", "..", "..");

export function sqliteTarget(path: string): DbTarget {
  return { kind: "sqlite", label: "sqlite", serverUrl: `sqlite:${path}`, sqlitePath: path };
}

export function mysqlTarget(url: string): DbTarget {
  if (!/^(mysql|mariadb):\/\/.+/.test(url))
    throw new Error(`BENCH_MYSQL_URL must be mysql://… or mariadb://…, got ${url}`);
  const mariadb = url.startsWith("mariadb://");
  return {
    kind: "mysql",
    label: mariadb ? "mariadb" : "mysql",
    serverUrl: url,
    mysqlUri: mariadb ? "mysql://" + url.slice("mariadb://".length) : url,
  };
}

/** Session settings shared by the seeder and the floor: the same as the server's DataSource. */
export const MYSQL_SESSION = { timezone: "Z", charset: "utf8mb4_unicode_ci", supportBigNumbers: true } as const;

export function openMysql(target: DbTarget): Promise<MysqlConnection> {
  return createConnection({ uri: target.mysqlUri, ...MYSQL_SESSION, multipleStatements: false });
}

/** An empty database: the SQLite file is removed; every table of the MySQL database is dropped. */
export async function resetDatabase(target: DbTarget): Promise<void> {
  if (target.kind === "sqlite") {
    const path = target.sqlitePath!;
    mkdirSync(dirname(path), { recursive: true });
    for (const suffix of ["", "-wal", "-shm", "-journal"]) if (existsSync(path + suffix)) rmSync(path + suffix);
    return;
  }
  let conn: MysqlConnection;
  try {
    conn = await openMysql(target);
  } catch (error) {
    const hint =
      (error as { code?: string }).code === "ER_BAD_DB_ERROR"
        ? "\n  create it first, e.g. mariadb --no-defaults --socket=/tmp/latchkey-mariadb/mysqld.sock -uroot -e 'CREATE DATABASE IF NOT EXISTS latchkey_bench'"
        : "";
    throw new Error(
      `cannot connect to ${target.serverUrl.replace(/:[^:@/]*@/, ":***@")}: ${(error as Error).message}${hint}`,
    );
  }
  try {
    const [rows] = await conn.query(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()",
    );
    await conn.query("SET FOREIGN_KEY_CHECKS = 0");
    for (const row of rows as { name: string }[]) await conn.query(`DROP TABLE IF EXISTS \`${row.name}\``);
    await conn.query("SET FOREIGN_KEY_CHECKS = 1");
  } finally {
    await conn.end();
  }
}

/** Applies the server's own migrations (from the build in dist/), exactly as the server does at start. */
export async function migrate(target: DbTarget): Promise<void> {
  const modulePath = join(ROOT, "dist", "src", "db", "data-source.js");
  if (!existsSync(modulePath)) throw new Error(`${modulePath} is missing: run \`npm run build\` first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openDataSource } = require(modulePath) as {
    openDataSource: (url: string) => Promise<{ destroy(): Promise<void> }>;
  };
  const ds = await openDataSource(target.serverUrl);
  await ds.destroy();
}

/** Inserts rows table by table (the seeder's only way into the database). */
export interface RowWriter {
  insert(table: string, columns: string[], rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

export async function openWriter(target: DbTarget): Promise<RowWriter> {
  if (target.kind === "sqlite") {
    const db = new Database(target.sqlitePath);
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.exec("BEGIN");
    return {
      insert(table, columns, rows) {
        const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
        const statement = db.prepare(sql);
        for (const row of rows) statement.run(...row);
        return Promise.resolve();
      },
      close() {
        db.exec("COMMIT");
        // no ANALYZE: the planner sees what a server that only ran its migrations sees
        db.pragma("wal_checkpoint(TRUNCATE)");
        db.close();
        return Promise.resolve();
      },
    };
  }
  const conn = await openMysql(target);
  await conn.query("START TRANSACTION");
  return {
    async insert(table, columns, rows) {
      const sql = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(", ")}) VALUES ?`;
      for (let i = 0; i < rows.length; i += 500) await conn.query(sql, [rows.slice(i, i + 500)]);
    },
    async close() {
      await conn.query("COMMIT");
      for (const table of ["organization", "workspace", "user", "user_workspace", "api_key", "api_key_workspace"]) {
        await conn.query(`ANALYZE TABLE \`${table}\``);
      }
      await conn.end();
    },
  };
}
