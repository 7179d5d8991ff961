// Reads the workspace's projects and their dependencies straight from package.json files and
// source imports, so the dependency rules in DESIGN.md can be checked without a running Nx daemon.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCOPE = '@connectpay-kit/';

export interface Project {
  readonly name: string;
  readonly kind: 'app' | 'package';
  readonly root: string;
  readonly packageJson: {
    name: string;
    private?: boolean;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    engines?: Record<string, string>;
    [key: string]: unknown;
  };
}

export function listProjects(): Project[] {
  const projects: Project[] = [];
  for (const [folder, kind] of [
    ['apps', 'app'],
    ['packages', 'package'],
  ] as const) {
    const base = join(WORKSPACE_ROOT, folder);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base)) {
      const root = join(base, entry);
      const manifest = join(root, 'package.json');
      if (!existsSync(manifest)) continue;
      projects.push({ name: entry, kind, root, packageJson: JSON.parse(readFileSync(manifest, 'utf8')) });
    }
  }
  return projects;
}

/** Every .ts file under a folder, skipping build output and dependencies. */
export function sourceFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !/(^|\/)(node_modules|dist)\//.test(path))
    .map((path) => join(folder, path));
}

/** Workspace packages a file imports (static, dynamic and re-exports). */
export function workspaceImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](@connectpay-kit\/[a-z0-9-]+)/g)) {
    names.add((match[1] as string).slice(SCOPE.length));
  }
  return [...names];
}

export function relativeToRoot(path: string): string {
  return relative(WORKSPACE_ROOT, path);
}
