import type { DataSource } from "typeorm";

/** Every table the entities map, from TypeORM's metadata: a new entity is counted and snapshotted without a list to update. */
export const entityTables = (db: DataSource): string[] => db.entityMetadatas.map((m) => m.tableName).sort();

/**
 * Row counts of every table: a denied or invalid mutation must leave all of them unchanged (the audit log
 * included). Not api_key_usage: its rows are added by a timer (the usage flush), whatever the request did.
 */
export async function tableCounts(db: DataSource): Promise<Record<string, number>> {
  const tables = entityTables(db).filter((table) => table !== "api_key_usage");
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const quoted = db.driver.escape(table);
    const [row] = await db.query<{ n: number | string }[]>(`SELECT COUNT(*) AS n FROM ${quoted}`);
    counts[table] = Number(row.n);
  }
  return counts;
}

/** Every row of every table, as text: to prove a secret appears nowhere in the database. */
export async function databaseDump(db: DataSource): Promise<string> {
  const tables = [...entityTables(db), "migrations"];
  const parts: string[] = [];
  for (const table of tables) {
    const quoted = db.driver.escape(table);
    parts.push(JSON.stringify(await db.query(`SELECT * FROM ${quoted}`)));
  }
  return parts.join("\n");
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
