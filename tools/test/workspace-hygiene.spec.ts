import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listProjects, WORKSPACE_ROOT } from '../workspace.js';

const projects = listProjects();
const root = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  workspaces: string[];
};

describe('workspace hygiene', () => {
  it('declares the Node versions it runs on', () => {
    expect(root.engines.node).toBe('>=20.18');
    for (const project of projects) expect(project.packageJson.engines?.node).toBe('>=20.18');
  });

  it.each(projects.map((p) => [p.name, p] as const))('%s has a README and the four targets', (_n, project) => {
    expect(existsSync(join(project.root, 'README.md'))).toBe(true);
    const scripts = (project.packageJson.scripts ?? {}) as Record<string, string>;
    for (const target of ['build', 'typecheck', 'lint', 'test']) expect(Object.keys(scripts)).toContain(target);
  });

  it('commits no private key material', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: WORKSPACE_ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f && !f.endsWith('.md') && existsSync(join(WORKSPACE_ROOT, f)));
    const offenders = files.filter((f) =>
      /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/.test(readFileSync(join(WORKSPACE_ROOT, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('ignores the generated dev PKI and local env files', () => {
    const ignore = readFileSync(join(WORKSPACE_ROOT, '.gitignore'), 'utf8');
    expect(ignore).toMatch(/^\.dev-pki\/$/m);
    expect(ignore).toMatch(/^\.env\.\*$/m);
  });
});
