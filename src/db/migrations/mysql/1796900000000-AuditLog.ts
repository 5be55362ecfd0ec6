import { MigrationInterface, QueryRunner } from "typeorm";

/** Issue 13: the audit log (no foreign keys: a row outlives what it tells of until the retention purge). */
export class AuditLogMysql1796900000000 implements MigrationInterface {
  name = "AuditLogMysql1796900000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`audit_event\` (\`id\` varchar(36) NOT NULL, \`organization_id\` varchar(36) NULL, \`action\` varchar(64) NOT NULL, \`environment\` varchar(16) NULL, \`actor_type\` varchar(16) NOT NULL, \`actor_id\` varchar(36) NULL, \`actor_display\` varchar(255) NULL, \`target_type\` varchar(32) NOT NULL, \`target_id\` varchar(36) NOT NULL, \`changes\` text NULL, \`ip\` varchar(45) NULL, \`user_agent\` varchar(255) NULL, \`request_id\` varchar(128) NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`IDX_audit_event_created\` (\`created_at\`), INDEX \`IDX_audit_event_actor\` (\`actor_id\`, \`created_at\`), INDEX \`IDX_audit_event_target\` (\`target_id\`, \`created_at\`), INDEX \`IDX_audit_event_org_created\` (\`organization_id\`, \`created_at\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_audit_event_org_created\` ON \`audit_event\``);
    await queryRunner.query(`DROP INDEX \`IDX_audit_event_target\` ON \`audit_event\``);
    await queryRunner.query(`DROP INDEX \`IDX_audit_event_actor\` ON \`audit_event\``);
    await queryRunner.query(`DROP INDEX \`IDX_audit_event_created\` ON \`audit_event\``);
    await queryRunner.query(`DROP TABLE \`audit_event\``);
  }
}
