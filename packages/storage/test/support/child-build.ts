import { transformFile } from '@swc/core';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const packageRoot = process.cwd();

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Compiles src/ and the given test fixture to plain JavaScript under `outDir`, so a child `node`
 * process can run the real package code without a prior build. The output links the workspace's
 * node_modules so better-sqlite3 and pg resolve as they do in the package.
 */
export async function buildForChildProcess(outDir: string, fixture: string): Promise<string> {
  const sources = [...typescriptFiles(join(packageRoot, 'src')), join(packageRoot, fixture)];
  for (const source of sources) {
    const { code } = await transformFile(source, {
      jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
      module: { type: 'es6' },
      sourceMaps: false,
    });
    const target = join(outDir, relative(packageRoot, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  const nodeModules = dirname(
    dirname(createRequire(join(packageRoot, 'package.json')).resolve('better-sqlite3/package.json')),
  );
  symlinkSync(nodeModules, join(outDir, 'node_modules'), 'dir');
  return join(outDir, fixture.replace(/\.ts$/, '.js'));
}
