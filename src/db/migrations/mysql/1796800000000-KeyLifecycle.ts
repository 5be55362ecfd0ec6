import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 12: rolled keys (rolled_from_id, unique: a key is rolled once; rolled_to_id), per-key IP allowlists, the last
 * client address, the organization's key policy, and hourly usage counters.
 */
export class KeyLifecycleMysql1796800000000 implements MigrationInterface {
  name = "KeyLifecycleMysql1796800000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`api_key\` ADD \`last_used_ip\` varchar(45) NULL`);
    await queryRunner.query(`ALTER TABLE \`api_key\` ADD \`allowed_ip_ranges\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`api_key\` ADD \`rolled_from_id\` varchar(36) NULL`);
    await queryRunner.query(`ALTER TABLE \`api_key\` ADD \`rolled_to_id\` varchar(36) NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX \`UQ_api_key_rolled_from\` ON \`api_key\` (\`rolled_from_id\`)`);
    await queryRunner.query(`ALTER TABLE \`organization\` ADD \`api_key_policy\` text NULL`);
    await queryRunner.query(
      "CREATE TABLE `api_key_usage` (`api_key_id` varchar(36) NOT NULL, `bucket_start` datetime(3) NOT NULL, `organization_id` varchar(36) NOT NULL, `environment` varchar(16) NOT NULL, `success` int NOT NULL DEFAULT '0', `rate_limited` int NOT NULL DEFAULT '0', `denied` int NOT NULL DEFAULT '0', INDEX `IDX_api_key_usage_org_bucket` (`organization_id`, `bucket_start`), PRIMARY KEY (`api_key_id`, `bucket_start`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "ALTER TABLE `api_key_usage` ADD CONSTRAINT `FK_1e44ab7f2ed8caa36d11395827c` FOREIGN KEY (`api_key_id`) REFERENCES `api_key`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `api_key_usage` DROP FOREIGN KEY `FK_1e44ab7f2ed8caa36d11395827c`");
    await queryRunner.query("DROP TABLE `api_key_usage`");
    await queryRunner.query(`ALTER TABLE \`organization\` DROP COLUMN \`api_key_policy\``);
    await queryRunner.query(`DROP INDEX \`UQ_api_key_rolled_from\` ON \`api_key\``);
    await queryRunner.query(`ALTER TABLE \`api_key\` DROP COLUMN \`rolled_to_id\``);
    await queryRunner.query(`ALTER TABLE \`api_key\` DROP COLUMN \`rolled_from_id\``);
    await queryRunner.query(`ALTER TABLE \`api_key\` DROP COLUMN \`allowed_ip_ranges\``);
    await queryRunner.query(`ALTER TABLE \`api_key\` DROP COLUMN \`last_used_ip\``);
  }
}
