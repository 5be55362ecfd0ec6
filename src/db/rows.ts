import type { DataSource, EntityTarget, ObjectLiteral, ValueTransformer } from "typeorm";
import { fixedSql, quoted } from "./sql";

/** A datetime as the drivers return it: a Date (mysql2, timezone Z) or 'YYYY-MM-DD HH:MM:SS.SSS' UTC text (SQLite). */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === "number") return new Date(value);
  if (typeof value !== "string") throw new TypeError(`a datetime column held a ${typeof value}`);
  const text = value;
  // SQLite's fixed layout, read by position: several times faster than Date's string parser on the list path
  if (text.length === 23 && text[10] === " ") {
    const n = (from: number, to: number) => {
      let value = 0;
      for (let i = from; i < to; i++) value = value * 10 + (text.charCodeAt(i) - 48);
      return value;
    };
    const year = n(0, 4);
    // (Date.UTC reads years 0–99 as 1900–1999: those few go through the parser below)
    if (year >= 100) return new Date(Date.UTC(year, n(5, 7) - 1, n(8, 10), n(11, 13), n(14, 16), n(17, 19), n(20, 23)));
  }
  return new Date(text.includes("T") ? text : `${text.replace(" ", "T")}Z`);
}

/**
 * A datetime as a raw statement's parameter (toDate's inverse): SQLite stores datetime(3) as
 * 'YYYY-MM-DD HH:MM:SS.SSS' UTC text, mysql2 takes the Date (timezone Z).
 */
export const datetimeParam = (sqlite: boolean, at: Date): string | Date =>
  sqlite ? at.toISOString().replace("T", " ").replace("Z", "") : at;

export interface RowMapper<T> {
  /** `alias.column AS alias_column` for every column, for a query builder's select. */
  select: string[];
  /** The same select list quoted for the database, for a statement written by hand. */
  quotedSelect: string;
  /** The entity built from a raw row, or null when the alias matched nothing (LEFT JOIN). */
  map(row: Record<string, unknown>): T | null;
}

/**
 * Maps raw rows straight to entity instances (no TypeORM hydration) for the hot list paths:
 * the columns come from the entity's metadata, so a new column is mapped without touching this.
 */
export function rowMapper<T extends ObjectLiteral>(
  db: DataSource,
  entity: EntityTarget<T>,
  alias: string,
): RowMapper<T> {
  const metadata = db.getMetadata(entity);
  // built once per data source, entity and alias: this runs on every request
  const perSource = mapperCache.get(db) ?? new Map<string, RowMapper<ObjectLiteral>>();
  mapperCache.set(db, perSource);
  const cacheKey = `${metadata.name}:${alias}`;
  const cached = perSource.get(cacheKey);
  if (cached) return cached as RowMapper<T>;
  const columns = metadata.columns.map((c) => ({
    key: `${alias}_${c.databaseName}`,
    property: c.propertyName,
    date: c.type === "datetime",
    // a column's own transformer (JsonColumn), applied as TypeORM would
    from: transformerFrom(c.transformer),
  }));
  const idKey = `${alias}_${metadata.primaryColumns[0].databaseName}`;
  const target = metadata.target as new () => T;
  const q = (name: string) => quoted(db, name);
  const mapper: RowMapper<T> = {
    select: metadata.columns.map((c) => `${alias}.${c.databaseName} AS ${alias}_${c.databaseName}`),
    quotedSelect: metadata.columns
      .map((c) => `${q(alias)}.${q(c.databaseName)} AS ${q(`${alias}_${c.databaseName}`)}`)
      .join(", "),
    map(row) {
      if (row[idKey] === null || row[idKey] === undefined) return null;
      const entityObject = new target() as Record<string, unknown>;
      for (const column of columns) {
        const value = row[column.key];
        entityObject[column.property] = column.date
          ? toDate(value)
          : column.from
            ? column.from(value ?? null)
            : (value ?? null);
      }
      return entityObject as T;
    },
  };
  perSource.set(cacheKey, mapper);
  return mapper;
}

const mapperCache = new WeakMap<DataSource, Map<string, RowMapper<ObjectLiteral>>>();

/** A column's single transformer's `from` (JsonColumn's), or null. */
function transformerFrom(
  transformer: ValueTransformer | ValueTransformer[] | undefined,
): ((v: unknown) => unknown) | null {
  if (!transformer || Array.isArray(transformer)) return null;
  return (value) => transformer.from(value) as unknown;
}

/**
 * The one row whose `property` column equals `value`, or null: a fixed SQL string (built once per data source, entity
 * and column) mapped by rowMapper — the lookups every authenticated request makes (a key by its hash, an
 * organization by id) without building a query with the query builder each time. Runs on the primary, as the
 * repositories' finders do (DataSource.query). The column should be unique.
 */
export async function findOneByColumn<T extends ObjectLiteral>(
  db: DataSource,
  entity: EntityTarget<T>,
  property: keyof T & string,
  value: string,
): Promise<T | null> {
  const metadata = db.getMetadata(entity);
  const rows = rowMapper(db, entity, "t");
  const sql = fixedSql(db, `findOneByColumn:${metadata.name}.${property}`, () => {
    const q = (name: string) => quoted(db, name);
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new TypeError(`${metadata.name} has no column ${property}`);
    return `SELECT ${rows.quotedSelect} FROM ${q(metadata.tableName)} ${q("t")} WHERE ${q("t")}.${q(column.databaseName)} = ? LIMIT 1`;
  });
  const found = await db.query<Record<string, unknown>[]>(sql, [value]);
  return found.length ? rows.map(found[0]) : null;
}
