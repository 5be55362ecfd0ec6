import { MigrationInterface, QueryRunner } from "typeorm";

export class InitMysql1764316800000 implements MigrationInterface {
  name = "InitMysql1764316800000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`organization\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(200) NOT NULL, \`api_plan\` varchar(100) NULL, \`api_trial_started_at\` datetime(3) NULL, \`api_trial_ends_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`workspace\` (\`id\` varchar(36) NOT NULL, \`organization_id\` varchar(36) NOT NULL, \`name\` varchar(100) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`IDX_workspace_org_created\` (\`organization_id\`, \`created_at\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`user\` (\`id\` varchar(36) NOT NULL, \`organization_id\` varchar(36) NOT NULL, \`email\` varchar(254) NOT NULL, \`name\` varchar(200) NULL, \`role\` varchar(16) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`UQ_user_email\` (\`email\`), INDEX \`IDX_user_org_created\` (\`organization_id\`, \`created_at\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`user_workspace\` (\`user_id\` varchar(36) NOT NULL, \`workspace_id\` varchar(36) NOT NULL, INDEX \`IDX_user_workspace_workspace\` (\`workspace_id\`), PRIMARY KEY (\`user_id\`, \`workspace_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`api_key\` (\`id\` varchar(36) NOT NULL, \`organization_id\` varchar(36) NOT NULL, \`description\` varchar(255) NULL, \`environment\` varchar(16) NOT NULL, \`scope\` varchar(16) NOT NULL, \`permission\` varchar(16) NOT NULL, \`token_hash\` varchar(64) NOT NULL, \`token_hint\` varchar(32) NOT NULL, \`created_by_user_id\` varchar(36) NULL, \`created_by_api_key_id\` varchar(36) NULL, \`last_used_at\` datetime(3) NULL, \`expires_at\` datetime(3) NULL, \`revoked_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`UQ_api_key_token_hash\` (\`token_hash\`), INDEX \`IDX_api_key_org_description\` (\`organization_id\`, \`description\`, \`id\`), INDEX \`IDX_api_key_org_last_used\` (\`organization_id\`, \`last_used_at\`, \`id\`), INDEX \`IDX_api_key_org_revoked_created\` (\`organization_id\`, \`revoked_at\`, \`created_at\`, \`id\`), INDEX \`IDX_api_key_org_created\` (\`organization_id\`, \`created_at\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`api_key_workspace\` (\`api_key_id\` varchar(36) NOT NULL, \`workspace_id\` varchar(36) NOT NULL, INDEX \`IDX_api_key_workspace_workspace\` (\`workspace_id\`), PRIMARY KEY (\`api_key_id\`, \`workspace_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `ALTER TABLE \`workspace\` ADD CONSTRAINT \`FK_616e42551565ebdbb253948ebbd\` FOREIGN KEY (\`organization_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`user\` ADD CONSTRAINT \`FK_3e103cdf85b7d6cb620b4db0f0c\` FOREIGN KEY (\`organization_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`user_workspace\` ADD CONSTRAINT \`FK_faf90374b266c152bf3de95eba8\` FOREIGN KEY (\`user_id\`) REFERENCES \`user\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`user_workspace\` ADD CONSTRAINT \`FK_38805cb60bfb33e754653fbc4f6\` FOREIGN KEY (\`workspace_id\`) REFERENCES \`workspace\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`api_key\` ADD CONSTRAINT \`FK_f8bf75c998e043dc6ad022d28a8\` FOREIGN KEY (\`organization_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`api_key\` ADD CONSTRAINT \`FK_bc384f746acb69e6648c136803b\` FOREIGN KEY (\`created_by_user_id\`) REFERENCES \`user\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`api_key\` ADD CONSTRAINT \`FK_beb85e26581de5cd871e7bb7a88\` FOREIGN KEY (\`created_by_api_key_id\`) REFERENCES \`api_key\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`api_key_workspace\` ADD CONSTRAINT \`FK_325774ce2cd3ed6745402908eda\` FOREIGN KEY (\`api_key_id\`) REFERENCES \`api_key\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`api_key_workspace\` ADD CONSTRAINT \`FK_99dab51f12cc35c2999b3b89f24\` FOREIGN KEY (\`workspace_id\`) REFERENCES \`workspace\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`api_key_workspace\` DROP FOREIGN KEY \`FK_99dab51f12cc35c2999b3b89f24\``);
    await queryRunner.query(`ALTER TABLE \`api_key_workspace\` DROP FOREIGN KEY \`FK_325774ce2cd3ed6745402908eda\``);
    await queryRunner.query(`ALTER TABLE \`api_key\` DROP FOREIGN KEY \`FK_beb85e26581de5cd871e7bb7a88\``);
    await queryRunner.query(`ALTER TABLE \`api_key\` DROP FOREIGN KEY \`FK_bc384f746acb69e6648c136803b\``);
    await queryRunner.query(`ALTER TABLE \`api_key\` DROP FOREIGN KEY \`FK_f8bf75c998e043dc6ad022d28a8\``);
    await queryRunner.query(`ALTER TABLE \`user_workspace\` DROP FOREIGN KEY \`FK_38805cb60bfb33e754653fbc4f6\``);
    await queryRunner.query(`ALTER TABLE \`user_workspace\` DROP FOREIGN KEY \`FK_faf90374b266c152bf3de95eba8\``);
    await queryRunner.query(`ALTER TABLE \`user\` DROP FOREIGN KEY \`FK_3e103cdf85b7d6cb620b4db0f0c\``);
    await queryRunner.query(`ALTER TABLE \`workspace\` DROP FOREIGN KEY \`FK_616e42551565ebdbb253948ebbd\``);
    await queryRunner.query(`DROP INDEX \`IDX_api_key_workspace_workspace\` ON \`api_key_workspace\``);
    await queryRunner.query(`DROP TABLE \`api_key_workspace\``);
    await queryRunner.query(`DROP INDEX \`IDX_api_key_org_created\` ON \`api_key\``);
    await queryRunner.query(`DROP INDEX \`IDX_api_key_org_revoked_created\` ON \`api_key\``);
    await queryRunner.query(`DROP INDEX \`IDX_api_key_org_last_used\` ON \`api_key\``);
    await queryRunner.query(`DROP INDEX \`IDX_api_key_org_description\` ON \`api_key\``);
    await queryRunner.query(`DROP INDEX \`UQ_api_key_token_hash\` ON \`api_key\``);
    await queryRunner.query(`DROP TABLE \`api_key\``);
    await queryRunner.query(`DROP INDEX \`IDX_user_workspace_workspace\` ON \`user_workspace\``);
    await queryRunner.query(`DROP TABLE \`user_workspace\``);
    await queryRunner.query(`DROP INDEX \`IDX_user_org_created\` ON \`user\``);
    await queryRunner.query(`DROP INDEX \`UQ_user_email\` ON \`user\``);
    await queryRunner.query(`DROP TABLE \`user\``);
    await queryRunner.query(`DROP INDEX \`IDX_workspace_org_created\` ON \`workspace\``);
    await queryRunner.query(`DROP TABLE \`workspace\``);
    await queryRunner.query(`DROP TABLE \`organization\``);
  }
}
