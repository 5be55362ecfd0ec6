import { MigrationInterface, QueryRunner } from "typeorm";

/** Platform keys: the platform's own credentials (a third principal kind), hashed like API keys. */
export class PlatformKeysSqlite1796500000000 implements MigrationInterface {
  name = "PlatformKeysSqlite1796500000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "platform_key" ("id" varchar(36) PRIMARY KEY NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, "description" varchar(255), "token_hash" varchar(64) NOT NULL, "token_hint" varchar(32) NOT NULL, "last_used_at" datetime(3), "revoked_at" datetime(3))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_platform_key_token_hash" ON "platform_key" ("token_hash") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "UQ_platform_key_token_hash"`);
    await queryRunner.query(`DROP TABLE "platform_key"`);
  }
}
