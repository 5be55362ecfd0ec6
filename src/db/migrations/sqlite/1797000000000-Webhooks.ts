import { MigrationInterface, QueryRunner } from "typeorm";

/** Issue 13: webhook endpoints and their outbox, and the once-only expiry notices of keys. */
export class WebhooksSqlite1797000000000 implements MigrationInterface {
  name = "WebhooksSqlite1797000000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_endpoint" ("id" varchar(36) PRIMARY KEY NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, "organization_id" varchar(36) NOT NULL, "url" varchar(2000) NOT NULL, "description" varchar(255), "environment" varchar(16) NOT NULL, "events" text NOT NULL, "signing_secret" varchar(100) NOT NULL, "disabled_at" datetime(3), "disabled_reason" varchar(255), CONSTRAINT "FK_e5800fed79898bb7202e9312276" FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_endpoint_org_created" ON "webhook_endpoint" ("organization_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_delivery" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "endpoint_id" varchar(36) NOT NULL, "event_type" varchar(64) NOT NULL, "payload" text NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "next_attempt_at" datetime(3) NOT NULL, "locked_until" datetime(3), "last_attempt_at" datetime(3), "last_status_code" integer, "last_error" varchar(255), "delivered_at" datetime(3), "created_at" datetime(3) NOT NULL, CONSTRAINT "FK_f53f5aec02217a54927b13e39d9" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoint" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_delivery_endpoint_created" ON "webhook_delivery" ("endpoint_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_delivery_due" ON "webhook_delivery" ("status", "next_attempt_at")`,
    );
    await queryRunner.query(`ALTER TABLE "api_key" ADD COLUMN "expiry_notice_7d_at" datetime(3)`);
    await queryRunner.query(`ALTER TABLE "api_key" ADD COLUMN "expiry_notice_1d_at" datetime(3)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_key" DROP COLUMN "expiry_notice_1d_at"`);
    await queryRunner.query(`ALTER TABLE "api_key" DROP COLUMN "expiry_notice_7d_at"`);
    await queryRunner.query(`DROP INDEX "IDX_webhook_delivery_due"`);
    await queryRunner.query(`DROP INDEX "IDX_webhook_delivery_endpoint_created"`);
    await queryRunner.query(`DROP TABLE "webhook_delivery"`);
    await queryRunner.query(`DROP INDEX "IDX_webhook_endpoint_org_created"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoint"`);
  }
}
