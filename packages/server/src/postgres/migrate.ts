// Owns applying the schema's migrations at start: in one transaction, under a transaction-scoped advisory lock, so
// two instances starting together against one database apply each migration once (the second waits, then sees it).
import type { PostgresSql } from './driver.ts'
import { type Migration, migrations as storeMigrations } from './schema.ts'

/** The advisory lock key the migrations take (any instance of this package uses the same one). */
export const migrationLockKey = 'oai_runs.schema_migrations'

/**
 * Thrown when the database was migrated by a newer @oai-runs/server than this one: its tables may have changed in
 * ways this code does not know. Upgrade the package (or point this instance at another database).
 */
export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError'
  /** The newest version recorded in the database. */
  readonly databaseVersion: number
  /** The newest version this package knows. */
  readonly knownVersion: number

  constructor(databaseVersion: number, knownVersion: number) {
    super(
      `The database has schema version ${databaseVersion}, newer than this @oai-runs/server knows ` +
        `(${knownVersion}): another instance runs a newer version. Upgrade @oai-runs/server on this instance.`,
    )
    this.databaseVersion = databaseVersion
    this.knownVersion = knownVersion
  }
}

/** What {@link migrate} did. */
export interface MigrationResult {
  /** The versions this call applied (empty when the schema was up to date). */
  applied: number[]
  /** The schema version after the call. */
  version: number
}

/**
 * Brings the database's schema up to date: creates `schema_migrations` if needed, then applies every migration it
 * does not list, all in one transaction holding `pg_advisory_xact_lock`.
 * @throws SchemaTooNewError when the database lists a version newer than `migrations` has.
 */
export async function migrate(
  sql: PostgresSql,
  migrations: readonly Migration[] = storeMigrations,
): Promise<MigrationResult> {
  const known = migrations.at(-1)?.version ?? 0
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext(${migrationLockKey}))`
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`
    const rows = await tx<{ version: number }[]>`SELECT version FROM schema_migrations ORDER BY version`
    const done = new Set(rows.map((row) => row.version))
    const newest = rows.at(-1)?.version ?? 0
    if (newest > known) {
      throw new SchemaTooNewError(newest, known)
    }
    const applied: number[] = []
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) {
        continue
      }
      for (const statement of migration.statements) {
        await tx.unsafe(statement)
      }
      await tx`INSERT INTO schema_migrations (version, name) VALUES (${migration.version}, ${migration.name})`
      applied.push(migration.version)
    }
    return { applied, version: Math.max(newest, ...applied) }
  })
}
