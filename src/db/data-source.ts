import "reflect-metadata";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DataSource, type Logger } from "typeorm";
import { entities } from "./entities";
import { InitSqlite1764316800000 } from "./migrations/sqlite/1764316800000-Init";
import { InitMysql1764316800000 } from "./migrations/mysql/1764316800000-Init";
import { DocumentsSqlite1764403200000 } from "./migrations/sqlite/1764403200000-Documents";
import { DocumentsMysql1764403200000 } from "./migrations/mysql/1764403200000-Documents";
import { UserEmailPerOrganizationSqlite1796159147512 } from "./migrations/sqlite/1796159147512-UserEmailPerOrganization";
import { UserEmailPerOrganizationMysql1796159147512 } from "./migrations/mysql/1796159147512-UserEmailPerOrganization";
import { PlatformKeysSqlite1796500000000 } from "./migrations/sqlite/1796500000000-PlatformKeys";
import { PlatformKeysMysql1796500000000 } from "./migrations/mysql/1796500000000-PlatformKeys";
import { ExternalIdsSqlite1796600000000 } from "./migrations/sqlite/1796600000000-ExternalIds";
import { ExternalIdsMysql1796600000000 } from "./migrations/mysql/1796600000000-ExternalIds";
import { SuspendedKeysSqlite1796700000000 } from "./migrations/sqlite/1796700000000-SuspendedKeys";
import { SuspendedKeysMysql1796700000000 } from "./migrations/mysql/1796700000000-SuspendedKeys";
import { KeyLifecycleSqlite1796800000000 } from "./migrations/sqlite/1796800000000-KeyLifecycle";
import { KeyLifecycleMysql1796800000000 } from "./migrations/mysql/1796800000000-KeyLifecycle";
import { AuditLogSqlite1796900000000 } from "./migrations/sqlite/1796900000000-AuditLog";
import { AuditLogMysql1796900000000 } from "./migrations/mysql/1796900000000-AuditLog";
import { WebhooksSqlite1797000000000 } from "./migrations/sqlite/1797000000000-Webhooks";
import { WebhooksMysql1797000000000 } from "./migrations/mysql/1797000000000-Webhooks";
import { OrganizationLockSerialSqlite1797100000000 } from "./migrations/sqlite/1797100000000-OrganizationLockSerial";
import { OrganizationLockSerialMysql1797100000000 } from "./migrations/mysql/1797100000000-OrganizationLockSerial";

export type DriverKind = "sqlite" | "mysql";

/** `mysql://` (MySQL 8) and `mariadb://` (MariaDB 10.11+) share the mysql2 driver and the migrations. */
export const driverOf = (databaseUrl: string): DriverKind =>
  /^(mysql|mariadb):\/\//.test(databaseUrl) ? "mysql" : "sqlite";

/** Builds (does not open) the DataSource for `sqlite:<path>`, `mysql://…` or `mariadb://…`; migrations are per driver. */
export interface DataSourceExtras {
  /** Read replicas of a MySQL/MariaDB primary (DATABASE_REPLICA_URLS); see db/replica.ts. */
  replicaUrls?: string[];
  logging?: boolean;
  /** e.g. the benchmark's statement counter */
  logger?: Logger;
}

export function createDataSource(databaseUrl: string, options: DataSourceExtras = {}): DataSource {
  if (driverOf(databaseUrl) === "mysql") {
    const mariadb = databaseUrl.startsWith("mariadb://");
    const mysqlUrl = (url: string) => url.replace(/^mariadb:/, "mysql:");
    const replicas = options.replicaUrls ?? [];
    return new DataSource({
      // TypeORM's "mariadb" type knows MariaDB's dialect (no FOR SHARE, DEFAULT NULL in information_schema)
      type: mariadb ? "mariadb" : "mysql",
      // with replicas: everything on the primary unless a read asks for a replica (db/replica.ts); a replica that
      // fails twice is left out for 10 s (mysql2's pool cluster), and the read goes to the primary meanwhile
      ...(replicas.length
        ? {
            replication: {
              master: { url: mysqlUrl(databaseUrl) },
              slaves: replicas.map((url) => ({ url: mysqlUrl(url), connectTimeout: 2_000 })),
              defaultMode: "master" as const,
              canRetry: true,
              removeNodeErrorCount: 2,
              restoreNodeTimeout: 10_000,
              selector: "RR" as const,
            },
          }
        : { url: mysqlUrl(databaseUrl) }),
      entities,
      migrations: [
        InitMysql1764316800000,
        DocumentsMysql1764403200000,
        UserEmailPerOrganizationMysql1796159147512,
        PlatformKeysMysql1796500000000,
        ExternalIdsMysql1796600000000,
        SuspendedKeysMysql1796700000000,
        KeyLifecycleMysql1796800000000,
        AuditLogMysql1796900000000,
        WebhooksMysql1797000000000,
        OrganizationLockSerialMysql1797100000000,
      ],
      migrationsTableName: "migrations",
      timezone: "Z",
      charset: "utf8mb4_unicode_ci",
      supportBigNumbers: true,
      poolSize: 10,
      extra: { connectionLimit: 10, waitForConnections: true, queueLimit: 0 },
      logging: options.logging ?? false,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
  const path = databaseUrl.slice("sqlite:".length);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  return new DataSource({
    type: "better-sqlite3",
    database: path,
    entities,
    migrations: [
      InitSqlite1764316800000,
      DocumentsSqlite1764403200000,
      UserEmailPerOrganizationSqlite1796159147512,
      PlatformKeysSqlite1796500000000,
      ExternalIdsSqlite1796600000000,
      SuspendedKeysSqlite1796700000000,
      KeyLifecycleSqlite1796800000000,
      AuditLogSqlite1796900000000,
      WebhooksSqlite1797000000000,
      OrganizationLockSerialSqlite1797100000000,
    ],
    migrationsTableName: "migrations",
    enableWAL: true,
    // FKs are declared in the schema; SQLite enforces them only with this pragma (TypeORM sets it).
    prepareDatabase: (db: {
      pragma(s: string): unknown;
      function(name: string, options: { deterministic: boolean }, fn: (value: unknown) => unknown): unknown;
    }) => {
      db.pragma("busy_timeout = 5000");
      // SQLite's built-in LOWER folds ASCII only; searches lower-case their term in JS, so the
      // column is folded the same way ("École" must find "École"), as MySQL's _ci collation does.
      db.function("lower", { deterministic: true }, (value) =>
        typeof value === "string" ? value.toLowerCase() : value,
      );
    },
    logging: options.logging ?? false,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** Opens the database and applies pending migrations (never `synchronize`). */
export async function openDataSource(databaseUrl: string, options: DataSourceExtras = {}): Promise<DataSource> {
  const db = createDataSource(databaseUrl, options);
  await db.initialize();
  try {
    await db.runMigrations({ transaction: "each" });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
