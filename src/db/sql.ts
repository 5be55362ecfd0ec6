import type { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from "typeorm";

/**
 * WHERE conditions with TypeORM's named parameters (`:name`, `:...list`), built once and used either on a query
 * builder (`applyTo`) or in a statement written by hand (`sql`, then `runSql`). The hot list paths write their
 * statements by hand: building the same SELECT with the query builder cost more CPU than running it.
 */
export class Conditions {
  private readonly parts: string[] = [];
  readonly params: Record<string, unknown> = {};

  and(condition: string, params?: Record<string, unknown>): this {
    this.parts.push(condition);
    if (params) Object.assign(this.params, params);
    return this;
  }

  /** The conditions joined by AND (a condition that is always true when there is none). */
  get sql(): string {
    return this.parts.length ? this.parts.join(" AND ") : "1 = 1";
  }

  applyTo<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return qb.where(this.sql, this.params);
  }
}

/**
 * Runs a hand-written statement with named parameters on `manager` (its query runner when it has one: a replica's,
 * a transaction's), converting them exactly as the query builder does (the driver's own escapeQueryWithParameters:
 * arrays expanded, SQLite's dates and booleans as it stores them).
 */
export async function runSql<R = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  params: Record<string, unknown>,
): Promise<R[]> {
  const [text, values] = manager.connection.driver.escapeQueryWithParameters(sql, params);
  return manager.query<R[]>(text, values);
}

/** A table's, alias's or column's name quoted for the database. */
export const quoted = (db: DataSource, name: string): string => db.driver.escape(name);

/**
 * A statement (or the fixed part of one) built once per data source and `key` and kept: the hand-written statements
 * of the paths every request takes are built from the entities' metadata, which does not change while it runs.
 */
export function fixedSql(db: DataSource, key: string, build: () => string): string {
  const perSource = statements.get(db) ?? new Map<string, string>();
  statements.set(db, perSource);
  let sql = perSource.get(key);
  if (sql === undefined) {
    sql = build();
    perSource.set(key, sql);
  }
  return sql;
}

const statements = new WeakMap<DataSource, Map<string, string>>();
