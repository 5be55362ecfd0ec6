import { MigrationInterface, QueryRunner } from "typeorm";

export class InitSqlite1764316800000 implements MigrationInterface {
  name = "InitSqlite1764316800000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "organization" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(200) NOT NULL, "api_plan" varchar(100), "api_trial_started_at" datetime(3), "api_trial_ends_at" datetime(3), "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "workspace" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_workspace_org_created" ON "workspace" ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "user" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "email" varchar(254) NOT NULL, "name" varchar(200), "role" varchar(16) NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_user_email" ON "user" ("email") `);
    await queryRunner.query(`CREATE INDEX "IDX_user_org_created" ON "user" ("organization_id", "created_at", "id") `);
    await queryRunner.query(
      `CREATE TABLE "user_workspace" ("user_id" varchar(36) NOT NULL, "workspace_id" varchar(36) NOT NULL, PRIMARY KEY ("user_id", "workspace_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_user_workspace_workspace" ON "user_workspace" ("workspace_id") `);
    await queryRunner.query(
      `CREATE TABLE "api_key" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "description" varchar(255), "environment" varchar(16) NOT NULL, "scope" varchar(16) NOT NULL, "permission" varchar(16) NOT NULL, "token_hash" varchar(64) NOT NULL, "token_hint" varchar(32) NOT NULL, "created_by_user_id" varchar(36), "created_by_api_key_id" varchar(36), "last_used_at" datetime(3), "expires_at" datetime(3), "revoked_at" datetime(3), "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_api_key_token_hash" ON "api_key" ("token_hash") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_description" ON "api_key" ("organization_id", "description", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_last_used" ON "api_key" ("organization_id", "last_used_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_revoked_created" ON "api_key" ("organization_id", "revoked_at", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_created" ON "api_key" ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "api_key_workspace" ("api_key_id" varchar(36) NOT NULL, "workspace_id" varchar(36) NOT NULL, PRIMARY KEY ("api_key_id", "workspace_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_api_key_workspace_workspace" ON "api_key_workspace" ("workspace_id") `);
    await queryRunner.query(`DROP INDEX "IDX_workspace_org_created"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_workspace" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, CONSTRAINT "FK_616e42551565ebdbb253948ebbd" FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_workspace"("id", "organization_id", "name", "created_at", "updated_at") SELECT "id", "organization_id", "name", "created_at", "updated_at" FROM "workspace"`,
    );
    await queryRunner.query(`DROP TABLE "workspace"`);
    await queryRunner.query(`ALTER TABLE "temporary_workspace" RENAME TO "workspace"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_workspace_org_created" ON "workspace" ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(`DROP INDEX "UQ_user_email"`);
    await queryRunner.query(`DROP INDEX "IDX_user_org_created"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_user" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "email" varchar(254) NOT NULL, "name" varchar(200), "role" varchar(16) NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, CONSTRAINT "FK_3e103cdf85b7d6cb620b4db0f0c" FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_user"("id", "organization_id", "email", "name", "role", "created_at", "updated_at") SELECT "id", "organization_id", "email", "name", "role", "created_at", "updated_at" FROM "user"`,
    );
    await queryRunner.query(`DROP TABLE "user"`);
    await queryRunner.query(`ALTER TABLE "temporary_user" RENAME TO "user"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_user_email" ON "user" ("email") `);
    await queryRunner.query(`CREATE INDEX "IDX_user_org_created" ON "user" ("organization_id", "created_at", "id") `);
    await queryRunner.query(`DROP INDEX "IDX_user_workspace_workspace"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_user_workspace" ("user_id" varchar(36) NOT NULL, "workspace_id" varchar(36) NOT NULL, CONSTRAINT "FK_faf90374b266c152bf3de95eba8" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_38805cb60bfb33e754653fbc4f6" FOREIGN KEY ("workspace_id") REFERENCES "workspace" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, PRIMARY KEY ("user_id", "workspace_id"))`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_user_workspace"("user_id", "workspace_id") SELECT "user_id", "workspace_id" FROM "user_workspace"`,
    );
    await queryRunner.query(`DROP TABLE "user_workspace"`);
    await queryRunner.query(`ALTER TABLE "temporary_user_workspace" RENAME TO "user_workspace"`);
    await queryRunner.query(`CREATE INDEX "IDX_user_workspace_workspace" ON "user_workspace" ("workspace_id") `);
    await queryRunner.query(`DROP INDEX "UQ_api_key_token_hash"`);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_description"`);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_last_used"`);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_revoked_created"`);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_created"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_api_key" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "description" varchar(255), "environment" varchar(16) NOT NULL, "scope" varchar(16) NOT NULL, "permission" varchar(16) NOT NULL, "token_hash" varchar(64) NOT NULL, "token_hint" varchar(32) NOT NULL, "created_by_user_id" varchar(36), "created_by_api_key_id" varchar(36), "last_used_at" datetime(3), "expires_at" datetime(3), "revoked_at" datetime(3), "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, CONSTRAINT "FK_f8bf75c998e043dc6ad022d28a8" FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_bc384f746acb69e6648c136803b" FOREIGN KEY ("created_by_user_id") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT "FK_beb85e26581de5cd871e7bb7a88" FOREIGN KEY ("created_by_api_key_id") REFERENCES "api_key" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_api_key"("id", "organization_id", "description", "environment", "scope", "permission", "token_hash", "token_hint", "created_by_user_id", "created_by_api_key_id", "last_used_at", "expires_at", "revoked_at", "created_at", "updated_at") SELECT "id", "organization_id", "description", "environment", "scope", "permission", "token_hash", "token_hint", "created_by_user_id", "created_by_api_key_id", "last_used_at", "expires_at", "revoked_at", "created_at", "updated_at" FROM "api_key"`,
    );
    await queryRunner.query(`DROP TABLE "api_key"`);
    await queryRunner.query(`ALTER TABLE "temporary_api_key" RENAME TO "api_key"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_api_key_token_hash" ON "api_key" ("token_hash") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_description" ON "api_key" ("organization_id", "description", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_last_used" ON "api_key" ("organization_id", "last_used_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_revoked_created" ON "api_key" ("organization_id", "revoked_at", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_created" ON "api_key" ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_api_key_workspace_workspace"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_api_key_workspace" ("api_key_id" varchar(36) NOT NULL, "workspace_id" varchar(36) NOT NULL, CONSTRAINT "FK_325774ce2cd3ed6745402908eda" FOREIGN KEY ("api_key_id") REFERENCES "api_key" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_99dab51f12cc35c2999b3b89f24" FOREIGN KEY ("workspace_id") REFERENCES "workspace" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, PRIMARY KEY ("api_key_id", "workspace_id"))`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_api_key_workspace"("api_key_id", "workspace_id") SELECT "api_key_id", "workspace_id" FROM "api_key_workspace"`,
    );
    await queryRunner.query(`DROP TABLE "api_key_workspace"`);
    await queryRunner.query(`ALTER TABLE "temporary_api_key_workspace" RENAME TO "api_key_workspace"`);
    await queryRunner.query(`CREATE INDEX "IDX_api_key_workspace_workspace" ON "api_key_workspace" ("workspace_id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_api_key_workspace_workspace"`);
    await queryRunner.query(`ALTER TABLE "api_key_workspace" RENAME TO "temporary_api_key_workspace"`);
    await queryRunner.query(
      `CREATE TABLE "api_key_workspace" ("api_key_id" varchar(36) NOT NULL, "workspace_id" varchar(36) NOT NULL, PRIMARY KEY ("api_key_id", "workspace_id"))`,
    );
    await queryRunner.query(
      `INSERT INTO "api_key_workspace"("api_key_id", "workspace_id") SELECT "api_key_id", "workspace_id" FROM "temporary_api_key_workspace"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_api_key_workspace"`);
    await queryRunner.query(`CREATE INDEX "IDX_api_key_workspace_workspace" ON "api_key_workspace" ("workspace_id") `);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_created"`);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_revoked_created"`);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_last_used"`);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_description"`);
    await queryRunner.query(`DROP INDEX "UQ_api_key_token_hash"`);
    await queryRunner.query(`ALTER TABLE "api_key" RENAME TO "temporary_api_key"`);
    await queryRunner.query(
      `CREATE TABLE "api_key" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "description" varchar(255), "environment" varchar(16) NOT NULL, "scope" varchar(16) NOT NULL, "permission" varchar(16) NOT NULL, "token_hash" varchar(64) NOT NULL, "token_hint" varchar(32) NOT NULL, "created_by_user_id" varchar(36), "created_by_api_key_id" varchar(36), "last_used_at" datetime(3), "expires_at" datetime(3), "revoked_at" datetime(3), "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "api_key"("id", "organization_id", "description", "environment", "scope", "permission", "token_hash", "token_hint", "created_by_user_id", "created_by_api_key_id", "last_used_at", "expires_at", "revoked_at", "created_at", "updated_at") SELECT "id", "organization_id", "description", "environment", "scope", "permission", "token_hash", "token_hint", "created_by_user_id", "created_by_api_key_id", "last_used_at", "expires_at", "revoked_at", "created_at", "updated_at" FROM "temporary_api_key"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_api_key"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_created" ON "api_key" ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_revoked_created" ON "api_key" ("organization_id", "revoked_at", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_last_used" ON "api_key" ("organization_id", "last_used_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_api_key_org_description" ON "api_key" ("organization_id", "description", "id") `,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_api_key_token_hash" ON "api_key" ("token_hash") `);
    await queryRunner.query(`DROP INDEX "IDX_user_workspace_workspace"`);
    await queryRunner.query(`ALTER TABLE "user_workspace" RENAME TO "temporary_user_workspace"`);
    await queryRunner.query(
      `CREATE TABLE "user_workspace" ("user_id" varchar(36) NOT NULL, "workspace_id" varchar(36) NOT NULL, PRIMARY KEY ("user_id", "workspace_id"))`,
    );
    await queryRunner.query(
      `INSERT INTO "user_workspace"("user_id", "workspace_id") SELECT "user_id", "workspace_id" FROM "temporary_user_workspace"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_user_workspace"`);
    await queryRunner.query(`CREATE INDEX "IDX_user_workspace_workspace" ON "user_workspace" ("workspace_id") `);
    await queryRunner.query(`DROP INDEX "IDX_user_org_created"`);
    await queryRunner.query(`DROP INDEX "UQ_user_email"`);
    await queryRunner.query(`ALTER TABLE "user" RENAME TO "temporary_user"`);
    await queryRunner.query(
      `CREATE TABLE "user" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "email" varchar(254) NOT NULL, "name" varchar(200), "role" varchar(16) NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "user"("id", "organization_id", "email", "name", "role", "created_at", "updated_at") SELECT "id", "organization_id", "email", "name", "role", "created_at", "updated_at" FROM "temporary_user"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_user"`);
    await queryRunner.query(`CREATE INDEX "IDX_user_org_created" ON "user" ("organization_id", "created_at", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_user_email" ON "user" ("email") `);
    await queryRunner.query(`DROP INDEX "IDX_workspace_org_created"`);
    await queryRunner.query(`ALTER TABLE "workspace" RENAME TO "temporary_workspace"`);
    await queryRunner.query(
      `CREATE TABLE "workspace" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "workspace"("id", "organization_id", "name", "created_at", "updated_at") SELECT "id", "organization_id", "name", "created_at", "updated_at" FROM "temporary_workspace"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_workspace"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_workspace_org_created" ON "workspace" ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_api_key_workspace_workspace"`);
    await queryRunner.query(`DROP TABLE "api_key_workspace"`);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_created"`);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_revoked_created"`);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_last_used"`);
    await queryRunner.query(`DROP INDEX "IDX_api_key_org_description"`);
    await queryRunner.query(`DROP INDEX "UQ_api_key_token_hash"`);
    await queryRunner.query(`DROP TABLE "api_key"`);
    await queryRunner.query(`DROP INDEX "IDX_user_workspace_workspace"`);
    await queryRunner.query(`DROP TABLE "user_workspace"`);
    await queryRunner.query(`DROP INDEX "IDX_user_org_created"`);
    await queryRunner.query(`DROP INDEX "UQ_user_email"`);
    await queryRunner.query(`DROP TABLE "user"`);
    await queryRunner.query(`DROP INDEX "IDX_workspace_org_created"`);
    await queryRunner.query(`DROP TABLE "workspace"`);
    await queryRunner.query(`DROP TABLE "organization"`);
  }
}
