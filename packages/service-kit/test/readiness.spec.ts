import { judgeReadiness, pingCheck } from '../src/index.js';

describe('judgeReadiness', () => {
  it('is ready when every check passes', () => {
    const checks = { storage: { ok: true, detail: 'storage answers' } };
    expect(judgeReadiness('stage', checks)).toEqual({ status: 'ready', environment: 'stage', failing: [], checks });
  });

  it('names the failing checks, but not one marked gating: false', () => {
    const checks = {
      config: { ok: true, gating: true, detail: 'validated' },
      storage: { ok: false, gating: true, detail: 'storage does not answer' },
      nextCertificate: { ok: false, gating: false, detail: 'none staged' },
      shutdown: { ok: false, detail: 'shutting down' },
    };
    const report = judgeReadiness('prod', checks);
    expect(report.status).toBe('not_ready');
    expect(report.failing).toEqual(['storage', 'shutdown']);
    expect(report.checks).toBe(checks);
    expect(judgeReadiness('prod', { next: checks.nextCertificate }).status).toBe('ready');
  });
});

describe('pingCheck', () => {
  it('says the subject answers', async () => {
    expect(await pingCheck(async () => undefined, 'storage', 1000)).toEqual({ ok: true, detail: 'storage answers' });
  });

  it("says it does not, with the error's code when it has one", async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(await pingCheck(() => Promise.reject(refused), 'db.sqlite', 1000)).toEqual({
      ok: false,
      detail: 'db.sqlite does not answer (ECONNREFUSED)',
    });
    expect(await pingCheck(() => Promise.reject(new Error('boom')), 'storage', 1000)).toEqual({
      ok: false,
      detail: 'storage does not answer',
    });
  });

  it('gives up after the timeout with TIMEOUT', async () => {
    const never = () => new Promise<void>(() => undefined);
    expect(await pingCheck(never, 'storage', 20)).toEqual({ ok: false, detail: 'storage does not answer (TIMEOUT)' });
  });
});
