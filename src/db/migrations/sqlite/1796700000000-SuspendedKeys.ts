import { MigrationInterface, QueryRunner } from "typeorm";

/** Suspended keys (reversible, unlike revocation): when and why. Nullable columns added in place. */
export class SuspendedKeysSqlite1796700000000 implements MigrationInterface {
  name = "SuspendedKeysSqlite1796700000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_key" ADD COLUMN "suspended_at" datetime(3)`);
    await queryRunner.query(`ALTER TABLE "api_key" ADD COLUMN "suspended_reason" varchar(255)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_key" DROP COLUMN "suspended_reason"`);
    await queryRunner.query(`ALTER TABLE "api_key" DROP COLUMN "suspended_at"`);
  }
}
