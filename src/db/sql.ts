import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from "typeorm";

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

/** A table's or column's name quoted for the manager's database. */
export const quoted = (manager: EntityManager, name: string): string => manager.connection.driver.escape(name);
