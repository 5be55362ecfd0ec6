import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The platform's own ids: Organization.externalId (unique when set) and User.externalId (unique within the
 * organization); organizations listed newest first.
 */
export class ExternalIdsMysql1796600000000 implements MigrationInterface {
  name = "ExternalIdsMysql1796600000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`organization\` ADD \`external_id\` varchar(255) NULL`);
    await queryRunner.query(`ALTER TABLE \`user\` ADD \`external_id\` varchar(255) NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX \`UQ_organization_external_id\` ON \`organization\` (\`external_id\`)`,
    );
    await queryRunner.query(`CREATE INDEX \`IDX_organization_created\` ON \`organization\` (\`created_at\`, \`id\`)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX \`UQ_user_org_external_id\` ON \`user\` (\`organization_id\`, \`external_id\`)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`UQ_user_org_external_id\` ON \`user\``);
    await queryRunner.query(`DROP INDEX \`IDX_organization_created\` ON \`organization\``);
    await queryRunner.query(`DROP INDEX \`UQ_organization_external_id\` ON \`organization\``);
    await queryRunner.query(`ALTER TABLE \`user\` DROP COLUMN \`external_id\``);
    await queryRunner.query(`ALTER TABLE \`organization\` DROP COLUMN \`external_id\``);
  }
}
