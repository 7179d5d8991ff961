import { join } from 'node:path';
import { listProjects, relativeToRoot, SCOPE, sourceFiles, workspaceImports } from '../workspace.js';

// DESIGN.md "Layout": apps -> packages, never the reverse; these packages stand alone.
const STANDALONE = new Set(['certs', 'hosts', 'testing-pki']);
const ALLOWED_RUNTIME: Record<string, readonly string[]> = {
  transport: ['hosts', 'certs', 'storage'],
  config: ['hosts', 'certs'],
  // What apps share about running as a process; it must not pull testing-pki into stage/prod images.
  // It maps config's profile to transport's client options (transport imports no config), so it may
  // use transport too: transport imports no service-kit, and the graph stays acyclic.
  'service-kit': ['config', 'hosts', 'transport'],
};

const projects = listProjects();
const packages = projects.filter((p) => p.kind === 'package');
const packageNames = new Set(packages.map((p) => p.name));

describe('workspace dependency direction', () => {
  it('finds the packages the design names', () => {
    expect([...packageNames]).toEqual(expect.arrayContaining(['config', 'hosts', 'testing-pki']));
  });

  it.each(packages.map((p) => [p.name, p] as const))('package %s imports no app', (_name, project) => {
    const offenders = sourceFiles(project.root).filter((file) =>
      workspaceImports(file).some((dep) => !packageNames.has(dep)),
    );
    expect(offenders.map(relativeToRoot)).toEqual([]);
  });

  it.each(packages.map((p) => [p.name, p] as const))(
    'package %s runtime code imports only what DESIGN.md allows',
    (name, project) => {
      const allowed = STANDALONE.has(name) ? [] : (ALLOWED_RUNTIME[name] ?? [...packageNames]);
      const runtimeFiles = sourceFiles(join(project.root, 'src')).filter((f) => !f.endsWith('.spec.ts'));
      const offenders = runtimeFiles.flatMap((file) =>
        workspaceImports(file)
          .filter((dep) => dep !== name && !allowed.includes(dep))
          .map((dep) => `${relativeToRoot(file)} -> ${dep}`),
      );
      expect(offenders).toEqual([]);
      const declared = Object.keys(project.packageJson.dependencies ?? {})
        .filter((dep) => dep.startsWith(SCOPE))
        .map((dep) => dep.slice(SCOPE.length));
      expect(declared.filter((dep) => !allowed.includes(dep))).toEqual([]);
    },
  );

  it("keeps testing-pki out of every package's runtime dependencies", () => {
    // Published packages never ship the test PKI generator.
    const users = packages.filter((p) => Object.hasOwn(p.packageJson.dependencies ?? {}, `${SCOPE}testing-pki`));
    expect(users.map((p) => p.name)).toEqual([]);
  });

  // DESIGN.md "Environments": the local dev PKI is made by a step of its own (`nx run sandbox:dev-pki`,
  // which every `nx serve` runs first, and compose's one-shot `dev-pki`); the apps only read its files.
  it('no app source imports testing-pki, not even dynamically', () => {
    const offenders = projects
      .filter((p) => p.kind === 'app')
      .flatMap((p) => sourceFiles(join(p.root, 'src')))
      .filter((file) => workspaceImports(file).includes('testing-pki'))
      .map(relativeToRoot);
    expect(offenders).toEqual([]);
  });

  it('testing-pki is a dev dependency of every app but the sandbox, whose dev-pki target and image run it', () => {
    const runtime = projects.filter((p) => Object.hasOwn(p.packageJson.dependencies ?? {}, `${SCOPE}testing-pki`));
    expect(runtime.map((p) => p.name)).toEqual(['sandbox']);
    const sandbox = projects.find((p) => p.name === 'sandbox');
    const targets = (sandbox?.packageJson['nx'] as { targets?: Record<string, { options?: { command?: string } }> })
      ?.targets;
    expect(targets?.['dev-pki']?.options?.command).toBe('node packages/testing-pki/dist/dev-pki/cli.js');
  });

  it.each(projects.map((p) => [p.name, p] as const))(
    '%s declares every workspace package it imports',
    (_n, project) => {
      const declared = new Set(
        [
          ...Object.keys(project.packageJson.dependencies ?? {}),
          ...Object.keys(project.packageJson.devDependencies ?? {}),
        ]
          .filter((dep) => dep.startsWith(SCOPE))
          .map((dep) => dep.slice(SCOPE.length)),
      );
      const missing = new Set(
        sourceFiles(project.root)
          .flatMap(workspaceImports)
          .filter((dep) => dep !== project.name && !declared.has(dep)),
      );
      expect([...missing]).toEqual([]);
    },
  );
});
