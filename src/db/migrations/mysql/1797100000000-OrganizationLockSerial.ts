import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * organization.lock_serial: written by every transaction taking the organization lock, so that Galera, which
 * certifies written rows only, makes two quota transactions on two nodes conflict (see organization.locks.ts).
 */
export class OrganizationLockSerialMysql1797100000000 implements MigrationInterface {
  name = "OrganizationLockSerialMysql1797100000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `organization` ADD `lock_serial` int NOT NULL DEFAULT '0'");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `organization` DROP COLUMN `lock_serial`");
  }
}
