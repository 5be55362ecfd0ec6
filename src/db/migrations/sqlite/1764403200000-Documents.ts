import { MigrationInterface, QueryRunner } from "typeorm";

export class DocumentsSqlite1764403200000 implements MigrationInterface {
  name = "DocumentsSqlite1764403200000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "document" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "workspace_id" varchar(36) NOT NULL, "environment" varchar(16) NOT NULL, "title" varchar(200) NOT NULL, "created_by_user_id" varchar(36), "created_by_api_key_id" varchar(36), "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_document_workspace_created" ON "document" ("workspace_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_document_org_created" ON "document" ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_document_workspace_created"`);
    await queryRunner.query(`DROP INDEX "IDX_document_org_created"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_document" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "workspace_id" varchar(36) NOT NULL, "environment" varchar(16) NOT NULL, "title" varchar(200) NOT NULL, "created_by_user_id" varchar(36), "created_by_api_key_id" varchar(36), "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, CONSTRAINT "FK_1407fa9ccce42ac1417c4620db8" FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_1046d4b6500d1be2095ee523fed" FOREIGN KEY ("workspace_id") REFERENCES "workspace" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_3cd4c14a428c8fd92fc92629770" FOREIGN KEY ("created_by_user_id") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT "FK_f504110d88d12aac04a0c2c35e2" FOREIGN KEY ("created_by_api_key_id") REFERENCES "api_key" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_document"("id", "organization_id", "workspace_id", "environment", "title", "created_by_user_id", "created_by_api_key_id", "created_at", "updated_at") SELECT "id", "organization_id", "workspace_id", "environment", "title", "created_by_user_id", "created_by_api_key_id", "created_at", "updated_at" FROM "document"`,
    );
    await queryRunner.query(`DROP TABLE "document"`);
    await queryRunner.query(`ALTER TABLE "temporary_document" RENAME TO "document"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_document_workspace_created" ON "document" ("workspace_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_document_org_created" ON "document" ("organization_id", "created_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_document_org_created"`);
    await queryRunner.query(`DROP INDEX "IDX_document_workspace_created"`);
    await queryRunner.query(`ALTER TABLE "document" RENAME TO "temporary_document"`);
    await queryRunner.query(
      `CREATE TABLE "document" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "workspace_id" varchar(36) NOT NULL, "environment" varchar(16) NOT NULL, "title" varchar(200) NOT NULL, "created_by_user_id" varchar(36), "created_by_api_key_id" varchar(36), "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "document"("id", "organization_id", "workspace_id", "environment", "title", "created_by_user_id", "created_by_api_key_id", "created_at", "updated_at") SELECT "id", "organization_id", "workspace_id", "environment", "title", "created_by_user_id", "created_by_api_key_id", "created_at", "updated_at" FROM "temporary_document"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_document"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_document_org_created" ON "document" ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_document_workspace_created" ON "document" ("workspace_id", "created_at", "id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_document_org_created"`);
    await queryRunner.query(`DROP INDEX "IDX_document_workspace_created"`);
    await queryRunner.query(`DROP TABLE "document"`);
  }
}
