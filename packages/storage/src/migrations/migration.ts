/** One schema step. Versions are shared by both dialects: version N means the same tables everywhere. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Checks at load that a list runs 1, 2, 3… so a mis-numbered file fails every test, not a deployment. */
export function defineMigrations(dialect: string, migrations: readonly Migration[]): readonly Migration[] {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `${dialect} migration "${migration.name}" has version ${migration.version}; expected ${index + 1} (versions run 1, 2, 3… without gaps).`,
      );
    }
  });
  return Object.freeze([...migrations]);
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.at(-1)?.version ?? 0;
}
