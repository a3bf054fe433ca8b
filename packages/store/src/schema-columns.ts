/** Column types shared by the table types (schema.ts, schema-access.ts). */
import type { ColumnType, JSONColumnType } from 'kysely';

/** A timestamptz: ISO string out, optional on insert (the column's default). */
export type Timestamp = ColumnType<string, string | undefined, string>;
/** A jsonb column: an object out, a JSON string in. */
export type Json<T extends object | null> = JSONColumnType<T, string, string>;
