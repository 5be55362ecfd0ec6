import { Column, ColumnOptions } from "typeorm";

/** Millisecond UTC timestamps, the same on SQLite and MySQL (set by the application, never by the database). */
export const TimestampColumn = (name: string, options: Partial<ColumnOptions> = {}) =>
  Column({ name, type: "datetime", precision: 3, ...options });

/** UUID primary and foreign keys are stored as 36-character strings on both drivers. */
export const IdColumn = (name: string, options: Partial<ColumnOptions> = {}) =>
  Column({ name, type: "varchar", length: 36, ...options });
