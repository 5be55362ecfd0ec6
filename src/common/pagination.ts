import { ClassType, Field, Int, ObjectType } from "type-graphql";
import { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { badInput } from "../errors/app-error";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field()
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Declares `<Name>Edge` and `<Name>Connection` GraphQL types for a node class. */
export function connectionTypes<T extends object>(name: string, Node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field()
    cursor: string;

    @Field(() => Node)
    node: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType implements Connection<T> {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => [Node])
    nodes: T[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int, { description: "Everything the filter matches, on every page." })
    totalCount: number;
  }
  return { Edge, Connection: ConnectionType };
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A position in an ordering: the sort value (null sorts last) and the id that breaks ties. */
export interface CursorPosition {
  key: string;
  value: string | number | null;
  id: string;
}

export interface PageRequest {
  limit: number;
  backward: boolean;
  cursor: CursorPosition | null;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.key, position.value, position.id])).toString("base64url");
}

export function decodeCursor(cursor: string, field: "after" | "before", expectedKey: string): CursorPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 3) {
      const [key, value, id] = parsed as unknown[];
      const valueOk = value === null || typeof value === "string" || typeof value === "number";
      if (key === expectedKey && valueOk && typeof id === "string" && id.length <= 64)
        return { key: expectedKey, value, id };
    }
  } catch {
    // fall through: any undecodable cursor gets the same answer
  }
  throw badInput(field, `Invalid cursor in "${field}" for this order`);
}

/** Checks first/last/after/before (SPEC §6: first defaults to 20, at most 100). */
export function parsePageArgs(args: PageArgs, cursorKey: string): PageRequest {
  const { first, after, last, before } = args;
  if (first != null && last != null) throw badInput("first", "Pass either first or last, not both");
  if (after != null && before != null) throw badInput("after", "Pass either after or before, not both");
  for (const [field, n] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (n != null && (n < 0 || n > MAX_PAGE_SIZE))
      throw badInput(field, `${field} must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  const backward = last != null || (before != null && first == null);
  if (backward && after != null) throw badInput("after", "after goes with first, not last");
  if (!backward && before != null) throw badInput("before", "before goes with last, not first");
  const limit = (backward ? last : first) ?? DEFAULT_PAGE_SIZE;
  const raw = backward ? before : after;
  return { limit, backward, cursor: raw != null ? decodeCursor(raw, backward ? "before" : "after", cursorKey) : null };
}

export interface SortSpec {
  /** Cursor key, e.g. "CREATED_AT:DESC": a cursor only fits the order it was made for. */
  key: string;
  /** SQL expression of the sort column, e.g. "k.created_at". */
  column: string;
  idColumn: string;
  descending: boolean;
  nullable: boolean;
  /** Converts a cursor value back to a query parameter. */
  toParam: (value: string | number) => unknown;
}

let paramSeq = 0;

/** One page's keyset: the condition past the cursor (with its parameters), the ORDER BY terms and the LIMIT. */
export interface KeysetClauses {
  condition: string | null;
  params: Record<string, unknown>;
  orderBy: [expression: string, direction: "ASC" | "DESC"][];
  limit: number;
}

/**
 * The keyset conditions and ORDER BY for one page. Nulls sort after every value in the forward order; ties are
 * broken by id. Backward pages are read in reverse and flipped by `toConnection`. One row more than the page is
 * read, to tell whether another page follows.
 */
export function keysetClauses(sort: SortSpec, page: PageRequest): KeysetClauses {
  const forwardAsc = !sort.descending;
  // the direction in which rows are read from the database
  const readAsc = page.backward ? !forwardAsc : forwardAsc;
  const op = readAsc ? ">" : "<";
  const { column, idColumn } = sort;
  const params: Record<string, unknown> = {};
  let condition: string | null = null;
  if (page.cursor) {
    const v = `kv${++paramSeq}`;
    const i = `ki${paramSeq}`;
    params[i] = page.cursor.id;
    if (page.cursor.value === null) {
      // cursor among the nulls: forward continues among nulls; backward also reaches every non-null
      condition = page.backward
        ? `((${column} IS NULL AND ${idColumn} ${op} :${i}) OR ${column} IS NOT NULL)`
        : `(${column} IS NULL AND ${idColumn} ${op} :${i})`;
    } else {
      params[v] = sort.toParam(page.cursor.value);
      const among = `(${column} ${op} :${v} OR (${column} = :${v} AND ${idColumn} ${op} :${i}))`;
      condition = sort.nullable && !page.backward ? `(${column} IS NULL OR ${among})` : among;
    }
  }
  const dir = readAsc ? "ASC" : "DESC";
  const orderBy: KeysetClauses["orderBy"] = [];
  // nulls last going forward means nulls first when reading backward
  if (sort.nullable) orderBy.push([`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`, page.backward ? "DESC" : "ASC"]);
  orderBy.push([column, dir], [idColumn, dir]);
  return { condition, params, orderBy, limit: page.limit + 1 };
}

/** Adds `keysetClauses` to a query builder. */
export function applyKeyset<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  sort: SortSpec,
  page: PageRequest,
): SelectQueryBuilder<T> {
  const keyset = keysetClauses(sort, page);
  if (keyset.condition) qb.andWhere(keyset.condition, keyset.params);
  keyset.orderBy.forEach(([expression, direction], n) =>
    n === 0 ? qb.orderBy(expression, direction) : qb.addOrderBy(expression, direction),
  );
  return qb.limit(keyset.limit);
}

/** Turns the rows read by `applyKeyset` (one extra) into a connection. */
export function toConnection<T>(
  rows: T[],
  page: PageRequest,
  totalCount: number,
  positionOf: (row: T) => CursorPosition,
): Connection<T> {
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (page.backward) pageRows.reverse();
  const cursorOf = (node: T) => encodeCursor(positionOf(node));
  const connection = {
    nodes: pageRows,
    totalCount,
    pageInfo: {
      hasNextPage: page.backward ? page.cursor !== null : hasMore,
      hasPreviousPage: page.backward ? hasMore : page.cursor !== null,
      startCursor: pageRows.length ? cursorOf(pageRows[0]) : null,
      endCursor: pageRows.length ? cursorOf(pageRows[pageRows.length - 1]) : null,
    },
  } as Connection<T>;
  // every row's cursor is built only when a query asks for edges (most ask for nodes and pageInfo)
  let edges: Connection<T>["edges"] | undefined;
  Object.defineProperty(connection, "edges", {
    enumerable: true,
    get: () => (edges ??= pageRows.map((node) => ({ cursor: cursorOf(node), node }))),
  });
  return connection;
}

/** A list's sort and how a row's cursor is made from it. */
export interface ListOrder<T> {
  sort: SortSpec;
  positionOf: (row: T) => CursorPosition;
}

/** Newest first, ties broken by id: the order of the users, workspaces and documents lists. */
export function newestFirst<T extends { id: string; createdAt: Date }>(alias: string): ListOrder<T> {
  const sort: SortSpec = {
    key: "CREATED_AT:DESC",
    column: `${alias}.created_at`,
    idColumn: `${alias}.id`,
    descending: true,
    nullable: false,
    toParam: (v) => new Date(v),
  };
  return { sort, positionOf: (row) => ({ key: sort.key, value: row.createdAt.toISOString(), id: row.id }) };
}

/** Counts the query's rows and reads one page of them (in parallel), as a connection. */
export async function readPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  order: ListOrder<T>,
  page: PageRequest,
): Promise<Connection<T>> {
  const [totalCount, rows] = await Promise.all([qb.clone().getCount(), applyKeyset(qb, order.sort, page).getMany()]);
  return toConnection(rows, page, totalCount, order.positionOf);
}

/** A page with no rows (a caller whose reach is empty). */
export const emptyPage = <T>(page: PageRequest): Connection<T> =>
  toConnection<T>([], page, 0, () => ({ key: "", value: null, id: "" }));
