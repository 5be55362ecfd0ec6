import { MigrationInterface, QueryRunner } from "typeorm";

export class UserEmailPerOrganizationMysql1796159147512 implements MigrationInterface {
  name = "UserEmailPerOrganizationMysql1796159147512";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`UQ_user_email\` ON \`user\``);
    await queryRunner.query(`CREATE UNIQUE INDEX \`UQ_user_org_email\` ON \`user\` (\`organization_id\`, \`email\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`UQ_user_org_email\` ON \`user\``);
    await queryRunner.query(`CREATE UNIQUE INDEX \`UQ_user_email\` ON \`user\` (\`email\`)`);
  }
}
