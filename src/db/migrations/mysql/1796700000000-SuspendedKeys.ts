import { MigrationInterface, QueryRunner } from "typeorm";

/** Suspended keys (reversible, unlike revocation): when and why. */
export class SuspendedKeysMysql1796700000000 implements MigrationInterface {
  name = "SuspendedKeysMysql1796700000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`api_key\` ADD \`suspended_at\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`api_key\` ADD \`suspended_reason\` varchar(255) NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`api_key\` DROP COLUMN \`suspended_reason\``);
    await queryRunner.query(`ALTER TABLE \`api_key\` DROP COLUMN \`suspended_at\``);
  }
}
