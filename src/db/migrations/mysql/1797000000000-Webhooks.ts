import { MigrationInterface, QueryRunner } from "typeorm";

/** Issue 13: webhook endpoints and their outbox, and the once-only expiry notices of keys. */
export class WebhooksMysql1797000000000 implements MigrationInterface {
  name = "WebhooksMysql1797000000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`webhook_endpoint\` (\`id\` varchar(36) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, \`organization_id\` varchar(36) NOT NULL, \`url\` varchar(2000) NOT NULL, \`description\` varchar(255) NULL, \`environment\` varchar(16) NOT NULL, \`events\` text NOT NULL, \`signing_secret\` varchar(100) NOT NULL, \`disabled_at\` datetime(3) NULL, \`disabled_reason\` varchar(255) NULL, INDEX \`IDX_webhook_endpoint_org_created\` (\`organization_id\`, \`created_at\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`webhook_delivery\` (\`id\` varchar(36) NOT NULL, \`organization_id\` varchar(36) NOT NULL, \`endpoint_id\` varchar(36) NOT NULL, \`event_type\` varchar(64) NOT NULL, \`payload\` text NOT NULL, \`status\` varchar(16) NOT NULL, \`attempts\` int NOT NULL DEFAULT '0', \`next_attempt_at\` datetime(3) NOT NULL, \`locked_until\` datetime(3) NULL, \`last_attempt_at\` datetime(3) NULL, \`last_status_code\` int NULL, \`last_error\` varchar(255) NULL, \`delivered_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`IDX_webhook_delivery_endpoint_created\` (\`endpoint_id\`, \`created_at\`, \`id\`), INDEX \`IDX_webhook_delivery_due\` (\`status\`, \`next_attempt_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(`ALTER TABLE \`api_key\` ADD \`expiry_notice_7d_at\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`api_key\` ADD \`expiry_notice_1d_at\` datetime(3) NULL`);
    await queryRunner.query(
      `ALTER TABLE \`webhook_endpoint\` ADD CONSTRAINT \`FK_e5800fed79898bb7202e9312276\` FOREIGN KEY (\`organization_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`webhook_delivery\` ADD CONSTRAINT \`FK_f53f5aec02217a54927b13e39d9\` FOREIGN KEY (\`endpoint_id\`) REFERENCES \`webhook_endpoint\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`webhook_delivery\` DROP FOREIGN KEY \`FK_f53f5aec02217a54927b13e39d9\``);
    await queryRunner.query(`ALTER TABLE \`webhook_endpoint\` DROP FOREIGN KEY \`FK_e5800fed79898bb7202e9312276\``);
    await queryRunner.query(`ALTER TABLE \`api_key\` DROP COLUMN \`expiry_notice_1d_at\``);
    await queryRunner.query(`ALTER TABLE \`api_key\` DROP COLUMN \`expiry_notice_7d_at\``);
    await queryRunner.query(`DROP INDEX \`IDX_webhook_delivery_due\` ON \`webhook_delivery\``);
    await queryRunner.query(`DROP INDEX \`IDX_webhook_delivery_endpoint_created\` ON \`webhook_delivery\``);
    await queryRunner.query(`DROP TABLE \`webhook_delivery\``);
    await queryRunner.query(`DROP INDEX \`IDX_webhook_endpoint_org_created\` ON \`webhook_endpoint\``);
    await queryRunner.query(`DROP TABLE \`webhook_endpoint\``);
  }
}
