import { MigrationInterface, QueryRunner } from "typeorm";

export class DocumentsMysql1764403200000 implements MigrationInterface {
  name = "DocumentsMysql1764403200000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`document\` (\`id\` varchar(36) NOT NULL, \`organization_id\` varchar(36) NOT NULL, \`workspace_id\` varchar(36) NOT NULL, \`environment\` varchar(16) NOT NULL, \`title\` varchar(200) NOT NULL, \`created_by_user_id\` varchar(36) NULL, \`created_by_api_key_id\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`IDX_document_workspace_created\` (\`workspace_id\`, \`created_at\`, \`id\`), INDEX \`IDX_document_org_created\` (\`organization_id\`, \`created_at\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `ALTER TABLE \`document\` ADD CONSTRAINT \`FK_1407fa9ccce42ac1417c4620db8\` FOREIGN KEY (\`organization_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`document\` ADD CONSTRAINT \`FK_1046d4b6500d1be2095ee523fed\` FOREIGN KEY (\`workspace_id\`) REFERENCES \`workspace\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`document\` ADD CONSTRAINT \`FK_3cd4c14a428c8fd92fc92629770\` FOREIGN KEY (\`created_by_user_id\`) REFERENCES \`user\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`document\` ADD CONSTRAINT \`FK_f504110d88d12aac04a0c2c35e2\` FOREIGN KEY (\`created_by_api_key_id\`) REFERENCES \`api_key\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`document\` DROP FOREIGN KEY \`FK_f504110d88d12aac04a0c2c35e2\``);
    await queryRunner.query(`ALTER TABLE \`document\` DROP FOREIGN KEY \`FK_3cd4c14a428c8fd92fc92629770\``);
    await queryRunner.query(`ALTER TABLE \`document\` DROP FOREIGN KEY \`FK_1046d4b6500d1be2095ee523fed\``);
    await queryRunner.query(`ALTER TABLE \`document\` DROP FOREIGN KEY \`FK_1407fa9ccce42ac1417c4620db8\``);
    await queryRunner.query(`DROP INDEX \`IDX_document_org_created\` ON \`document\``);
    await queryRunner.query(`DROP INDEX \`IDX_document_workspace_created\` ON \`document\``);
    await queryRunner.query(`DROP TABLE \`document\``);
  }
}
