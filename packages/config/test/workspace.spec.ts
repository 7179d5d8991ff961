import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkspaceRoot, resolveDevPkiDir } from '@connectpay-kit/config';

describe('the shared dev PKI folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'workspace-'));
  const project = join(root, 'apps', 'gateway');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(root, 'nx.json'), '{}');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is .dev-pki at the workspace root whichever project folder a process starts in', () => {
    expect(findWorkspaceRoot(project)).toBe(root);
    expect(resolveDevPkiDir({}, project)).toBe(join(root, '.dev-pki'));
    expect(resolveDevPkiDir({}, root)).toBe(join(root, '.dev-pki'));
  });

  it('follows CONNECTPAY_DEV_PKI_DIR, relative to the working directory', () => {
    expect(resolveDevPkiDir({ CONNECTPAY_DEV_PKI_DIR: 'pki' }, project)).toBe(join(project, 'pki'));
    expect(resolveDevPkiDir({ CONNECTPAY_DEV_PKI_DIR: '/srv/pki' }, project)).toBe('/srv/pki');
  });

  it('falls back to the working directory outside a workspace (a container)', () => {
    const outside = mkdtempSync(join(tmpdir(), 'no-workspace-'));
    expect(resolveDevPkiDir({}, outside)).toBe(join(outside, '.dev-pki'));
    rmSync(outside, { recursive: true, force: true });
  });
});
