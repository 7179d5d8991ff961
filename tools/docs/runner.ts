// Runs a page's doc-test blocks the way a reader would: in order, in one folder, with bash
// (`set -euo pipefail`) or node, and checks each block's exit status and promised output.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import ts from 'typescript';
import {
  DOCUMENTED_PORTS,
  type DocTestBlock,
  missingOutputLine,
  type PortMap,
  toActualPorts,
  toDocumentedPorts,
  undocumentedAddresses,
} from './blocks.js';
import { runCommand, WORKSPACE_ROOT } from './stack.js';

export class DocTestFailure extends Error {}

export interface PageRun {
  /** e.g. `docs/environments.md`, as failure messages name it. */
  readonly page: string;
  readonly blocks: readonly DocTestBlock[];
  /** An empty folder that becomes the page's stand-in for the repository root. */
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly ports: PortMap;
  readonly blockTimeoutMs?: number;
}

/**
 * Pages are written for a shell at the repository root. The page's folder gets the parts of the
 * repository its commands name (apps/, packages/, node_modules/ and the dev PKI, linked), so files
 * the commands write land in the folder and never in the checkout.
 */
export function prepareRepositoryStandIn(dir: string, devPkiDir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of ['apps', 'packages', 'node_modules']) symlinkSync(join(WORKSPACE_ROOT, entry), join(dir, entry));
  symlinkSync(devPkiDir, join(dir, '.dev-pki'));
}

/** `docs/x.md` -> `x`, `apps/gateway/README.md` -> `apps.gateway.README`: a page in file and folder names. */
export const pageSlug = (page: string) =>
  page
    .replace(/^docs\//, '')
    .replace(/\.md$/, '')
    .replaceAll('/', '.');

export async function runPage(run: PageRun): Promise<void> {
  const timeoutMs = run.blockTimeoutMs ?? 60_000;
  for (const block of run.blocks.filter((each) => each.run)) {
    const where = `${run.page} block ${block.index} (${block.language}, line ${block.line})`;
    const stray = undocumentedAddresses(block.code);
    if (stray.length > 0) {
      throw new DocTestFailure(
        `${where} calls ${stray.join(', ')}, none of the apps' default ports (${JSON.stringify(DOCUMENTED_PORTS)}, tools/rename/current.mjs): update the page to the defaults.`,
      );
    }
    const code = toActualPorts(block.code, run.ports);
    // On the block's first line, so bash's "line N" in an error is the block's line N.
    let script = `set -euo pipefail; exec 2>&1; ${code}\n`;
    if (block.language === 'ts') {
      const file = `.doc-test-${block.index}.mjs`;
      writeFileSync(join(run.dir, file), transpile(code, `${run.page}-block-${block.index}.ts`));
      script = `exec node ${file} 2>&1\n`;
    }
    const result = await runCommand('bash', ['-c', script], { cwd: run.dir, env: run.env, timeoutMs, anyExit: true });
    // Colour codes are not part of what a page promises (a terminal shows them, a pipe does not).
    const output = toDocumentedPorts(stripVTControlCharacters(result.stdout + result.stderr), run.ports);
    const missing = block.output && missingOutputLine(block.output.lines, output);
    const problem = result.timedOut
      ? ` did not finish within ${timeoutMs / 1000} s.`
      : result.code !== block.expectedExit
        ? ` exited with ${result.code ?? result.signal}, the page expects ${block.expectedExit}.`
        : missing !== undefined
          ? `: the doc-output block (line ${block.output?.line}) promises a line matching\n  ${missing}\n(in this order, … = anything).`
          : undefined;
    if (problem !== undefined) throw new DocTestFailure(`${where}${problem}\n--- output ---\n${output}`);
  }
}

function transpile(code: string, fileName: string): string {
  return ts.transpileModule(code, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      sourceMap: false,
      // As the apps are built (tsconfig.base.json): an endpoint example is a Nest controller.
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  }).outputText;
}

export interface TypecheckInput {
  readonly page: string;
  readonly blocks: readonly DocTestBlock[];
}

/**
 * Type-checks every ts doc-test block against the workspace packages' built declarations, as a
 * consumer's code resolves them (tsconfig.base.json's options without its paths to the sources, which
 * would type-check every package's sources again), as one strict program. Each block is its own module, named after its page,
 * block number and line, so an error points at the page.
 */
export async function typecheckBlocks(
  inputs: readonly TypecheckInput[],
  dir: string,
): Promise<{ files: number; errors?: string }> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const { page, blocks } of inputs) {
    for (const block of blocks) {
      if (block.language !== 'ts') continue;
      const name = `${pageSlug(page)}.block-${block.index}.line-${block.line}.ts`;
      writeFileSync(join(dir, name), `${block.code}\n`);
      files.push(name);
    }
  }
  if (files.length === 0) return { files: 0 };
  // An app's example imports its built code (`./apps/gateway/dist/...`, run from the repository root):
  // here the same paths lead to the build's declarations, whose imports resolve from the workspace's
  // node_modules as they do in the repository.
  symlinkSync(join(WORKSPACE_ROOT, 'apps'), join(dir, 'apps'));
  symlinkSync(join(WORKSPACE_ROOT, 'node_modules'), join(dir, 'node_modules'));
  // ESM, like every workspace package: the snippets use import and top-level await.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const tsconfig = { extends: join(WORKSPACE_ROOT, 'tsconfig.base.json'), compilerOptions: { paths: {} }, files };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const tsc = join(WORKSPACE_ROOT, 'node_modules/typescript/bin/tsc');
  const flags = [
    '--noEmit',
    '--pretty',
    'false',
    '--types',
    'node',
    '--typeRoots',
    join(WORKSPACE_ROOT, 'node_modules/@types'),
  ];
  const result = await runCommand(process.execPath, [tsc, '-p', 'tsconfig.json', ...flags], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    timeoutMs: 120_000,
    anyExit: true,
  });
  return result.code === 0 ? { files: files.length } : { files: files.length, errors: result.stdout + result.stderr };
}
