import { MigrationInterface, QueryRunner } from "typeorm";

/** Issue 13: the audit log (no foreign keys: a row outlives what it tells of until the retention purge). */
export class AuditLogSqlite1796900000000 implements MigrationInterface {
  name = "AuditLogSqlite1796900000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_event" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36), "action" varchar(64) NOT NULL, "environment" varchar(16), "actor_type" varchar(16) NOT NULL, "actor_id" varchar(36), "actor_display" varchar(255), "target_type" varchar(32) NOT NULL, "target_id" varchar(36) NOT NULL, "changes" text, "ip" varchar(45), "user_agent" varchar(255), "request_id" varchar(128), "created_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_audit_event_created" ON "audit_event" ("created_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_event_actor" ON "audit_event" ("actor_id", "created_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_event_target" ON "audit_event" ("target_id", "created_at")`);
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_event_org_created" ON "audit_event" ("organization_id", "created_at", "id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_audit_event_org_created"`);
    await queryRunner.query(`DROP INDEX "IDX_audit_event_target"`);
    await queryRunner.query(`DROP INDEX "IDX_audit_event_actor"`);
    await queryRunner.query(`DROP INDEX "IDX_audit_event_created"`);
    await queryRunner.query(`DROP TABLE "audit_event"`);
  }
}
