import { createDataSource, openDataSource } from "../../src/db/data-source";
import { databases, scratchDatabase } from "../support/databases";

describe.each(databases)("migrations on %s", (kind) => {
  it("create exactly the schema the entities describe (nothing left for TypeORM to synchronize)", async () => {
    const scratch = await scratchDatabase(kind);
    const db = await openDataSource(scratch.url);
    try {
      const pending = await db.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      expect(await db.showMigrations()).toBe(false);
    } finally {
      await db.destroy();
      await scratch.drop();
    }
  });

  it("are reversible: down then up again leaves the same schema", async () => {
    const scratch = await scratchDatabase(kind);
    const db = await openDataSource(scratch.url);
    try {
      await db.undoLastMigration();
      expect(await db.showMigrations()).toBe(true);
      await db.runMigrations();
      expect((await db.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    } finally {
      await db.destroy();
      await scratch.drop();
    }
  });

  it("serve the key list from an index: unique token hash, organization + created order", async () => {
    const scratch = await scratchDatabase(kind);
    const db = createDataSource(scratch.url);
    await db.initialize();
    await db.runMigrations();
    try {
      const table = await db.createQueryRunner().getTable("api_key");
      const indices = table!.indices.map((i) => ({ name: i.name, columns: i.columnNames, unique: !!i.isUnique }));
      expect(indices).toEqual(
        expect.arrayContaining([
          { name: "UQ_api_key_token_hash", columns: ["token_hash"], unique: true },
          { name: "IDX_api_key_org_created", columns: ["organization_id", "created_at", "id"], unique: false },
          {
            name: "IDX_api_key_org_revoked_created",
            columns: ["organization_id", "revoked_at", "created_at", "id"],
            unique: false,
          },
        ]),
      );
    } finally {
      await db.destroy();
      await scratch.drop();
    }
  });
});
