import { Field, ID, ObjectType } from "type-graphql";
import { Column, ColumnOptions, PrimaryColumn } from "typeorm";

/** Millisecond UTC timestamps, the same on SQLite and MySQL (set by the application, never by the database). */
export const TimestampColumn = (name: string, options: Partial<ColumnOptions> = {}) =>
  Column({ name, type: "datetime", precision: 3, ...options });

/**
 * A JSON value in a text column (null stays SQL NULL). The transformer is the column's own: TypeORM applies it, and
 * so does rowMapper on the hot list paths.
 */
export const JsonColumn = (name: string, options: Partial<ColumnOptions> = {}) =>
  Column({
    name,
    type: "text",
    nullable: true,
    transformer: {
      to: (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value)),
      from: (text: unknown) => (typeof text === "string" ? (JSON.parse(text) as unknown) : null),
    },
    ...options,
  });

/** UUID primary and foreign keys are stored as 36-character strings on both drivers. */
export const IdColumn = (name: string, options: Partial<ColumnOptions> = {}) =>
  Column({ name, type: "varchar", length: 36, ...options });

/** The columns every entity row has: a UUID id and the two timestamps the write hook sets. */
@ObjectType({ simpleResolvers: true })
export abstract class Timestamped {
  @Field(() => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Field()
  @TimestampColumn("created_at")
  createdAt: Date;

  @TimestampColumn("updated_at")
  updatedAt: Date;
}
