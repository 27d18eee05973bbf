/**
 * The key of a rollup row as one text (a "cell"): the report and stage rollups file their rows
 * under it, built the same way in the process and in SQL.
 */
import { type RawBuilder, sql } from "kysely";

/** The key of a rollup row, as text; nulls and separators in values stay apart (also built in SQL below). */
export function cellOf(parts: ReadonlyArray<string | null>): string {
  return parts
    .map((p) => (p === null ? "-" : `+${p.replaceAll("\\", "\\\\").replaceAll("|", "\\|")}`))
    .join("|");
}

/** cellOf in SQL, over these columns. */
export function cellSql(parts: readonly string[]): RawBuilder<string> {
  const one = (p: string) =>
    sql`case when ${sql.ref(p)} is null then '-' else '+' || replace(replace(${sql.ref(p)}, '\\', '\\\\'), '|', '\\|') end`;
  return sql<string>`${sql.join(parts.map(one), sql` || '|' || `)}`;
}
