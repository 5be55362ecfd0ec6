import { decodeCursor, encodeCursor, parsePageArgs, toConnection } from "../../src/common/pagination";

const codeAndField = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    const ext = (error as { extensions: { code: string; field?: string } }).extensions;
    return [ext.code, ext.field];
  }
  return "no error";
};

describe("cursors", () => {
  it("round-trip a position and are opaque base64url", () => {
    const position = {
      key: "CREATED_AT:DESC",
      value: "2026-01-01T00:00:00.000Z",
      id: "6f1c1d5e-1111-4222-8333-944445555666",
    };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, "after", "CREATED_AT:DESC")).toEqual(position);
    expect(decodeCursor(encodeCursor({ ...position, value: null }), "after", "CREATED_AT:DESC").value).toBeNull();
  });

  it("refuse garbage, tampered shapes and cursors of another order with BAD_USER_INPUT on the right field", () => {
    const good = encodeCursor({ key: "DESCRIPTION:ASC", value: "a", id: "x" });
    expect(codeAndField(() => decodeCursor(good, "before", "CREATED_AT:DESC"))).toEqual(["BAD_USER_INPUT", "before"]);
    expect(codeAndField(() => decodeCursor("%%%", "after", "CREATED_AT:DESC"))).toEqual(["BAD_USER_INPUT", "after"]);
    const tampered = Buffer.from(JSON.stringify(["CREATED_AT:DESC", { $gt: 1 }, "x"])).toString("base64url");
    expect(codeAndField(() => decodeCursor(tampered, "after", "CREATED_AT:DESC"))).toEqual(["BAD_USER_INPUT", "after"]);
  });
});

describe("page arguments", () => {
  it("default to the first 20, forward", () => {
    expect(parsePageArgs({}, "K")).toEqual({ limit: 20, backward: false, cursor: null });
  });

  it("read last/before as a backward page", () => {
    expect(parsePageArgs({ last: 5 }, "K")).toMatchObject({ limit: 5, backward: true });
  });

  it("allow 0 to 100 and refuse anything else", () => {
    expect(parsePageArgs({ first: 100 }, "K").limit).toBe(100);
    expect(parsePageArgs({ first: 0 }, "K").limit).toBe(0);
    expect(codeAndField(() => parsePageArgs({ first: 101 }, "K"))).toEqual(["BAD_USER_INPUT", "first"]);
    expect(codeAndField(() => parsePageArgs({ last: -1 }, "K"))).toEqual(["BAD_USER_INPUT", "last"]);
    expect(codeAndField(() => parsePageArgs({ first: 1, last: 1 }, "K"))).toEqual(["BAD_USER_INPUT", "first"]);
    expect(codeAndField(() => parsePageArgs({ after: "a", before: "b" }, "K"))).toEqual(["BAD_USER_INPUT", "after"]);
  });
});

describe("reading datetimes from rows", () => {
  it("reads SQLite's UTC text and MySQL's Date the same way, over the whole range", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { toDate } = require("../../src/db/rows") as typeof import("../../src/db/rows");
    for (const text of [
      "2026-11-28 09:42:15.123",
      "0001-01-01 00:00:00.000",
      "0099-12-31 23:59:59.999",
      "9999-12-31 23:59:59.999",
      "1970-01-01 00:00:00.000",
    ]) {
      expect(toDate(text)!.toISOString()).toBe(new Date(`${text.replace(" ", "T")}Z`).toISOString());
    }
    const now = new Date();
    expect(toDate(now)).toBe(now);
    expect(toDate(null)).toBeNull();
  });
});

describe("toConnection builds cursors lazily", () => {
  const page = { limit: 3, backward: false, cursor: null };
  const rows = [1, 2, 3, 4].map((n) => ({ id: `id-${n}` }));

  it("builds only the page's first and last cursors until `edges` is read, then one per row", () => {
    let built = 0;
    const connection = toConnection(rows, page, 4, (row) => {
      built++;
      return { key: "CREATED_AT:DESC", value: null, id: row.id };
    });
    expect(connection.nodes).toHaveLength(3);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect(built).toBe(2);
    expect(connection.edges.map((e) => e.node.id)).toEqual(["id-1", "id-2", "id-3"]);
    expect(built).toBe(5);
  });

  it("a page passed on with Object.assign keeps its edges lazy; a spread would build them", () => {
    let built = 0;
    const make = () => toConnection(rows, page, 4, (row) => (built++, { key: "K", value: null, id: row.id }));
    Object.assign(make(), { extra: true });
    expect(built).toBe(2);
    void { ...make(), extra: true };
    expect(built).toBe(2 + 2 + 3);
  });
});
