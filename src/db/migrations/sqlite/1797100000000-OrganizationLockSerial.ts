import { MigrationInterface, QueryRunner } from "typeorm";

/** organization.lock_serial: written by every transaction taking the organization lock (see organization.locks.ts). */
export class OrganizationLockSerialSqlite1797100000000 implements MigrationInterface {
  name = "OrganizationLockSerialSqlite1797100000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "organization" ADD COLUMN "lock_serial" integer NOT NULL DEFAULT (0)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "organization" DROP COLUMN "lock_serial"`);
  }
}
