// docs/alerts.yml, the Prometheus rules that page people before the client certificate expires: every
// rule is complete, every metric it reads is one the code exports, the thresholds are 30/14/7 days, and
// where promtool is installed the rules pass `promtool check rules` and the unit tests in
// fixtures/alerts.test.yml (which assert which alerts fire for 40, 20 and 5 days left, and when no next
// certificate is ready in every process 14 days before expiry).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sourceFiles, WORKSPACE_ROOT } from '../workspace.js';

interface AlertRule {
  readonly alert?: string;
  readonly expr?: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

const ALERTS = join(WORKSPACE_ROOT, 'docs/alerts.yml');
const PROMTOOL_TESTS = join(WORKSPACE_ROOT, 'tools/test/fixtures/alerts.test.yml');
const rules = (
  parse(readFileSync(ALERTS, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] }
).groups.flatMap((group) => group.rules);

/** Every metric name the apps register (prom-client `name:` fields) or print (cert-check --prom). */
const exportedMetrics = () =>
  new Set(
    ['gateway', 'webhook', 'cert-check']
      .flatMap((app) => sourceFiles(join(WORKSPACE_ROOT, 'apps', app, 'src')))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/name: '([a-z_]+)'/g)].map((match) => match[1])),
  );

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;

describe('docs/alerts.yml', () => {
  it('gives every rule a name, an expression, a severity, a summary and a description', () => {
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const rule of rules) {
      expect({
        alert: rule.alert,
        complete: Boolean(
          rule.expr && rule.labels?.['severity'] && rule.annotations?.['summary'] && rule.annotations?.['description'],
        ),
      }).toEqual({ alert: rule.alert, complete: true });
      expect(['warning', 'high', 'critical']).toContain(rule.labels?.['severity']);
    }
  });

  it('reads only metrics the code exports', () => {
    const exported = exportedMetrics();
    const used = rules.flatMap((rule) =>
      [...(rule.expr ?? '').matchAll(/\b(connectpay_[a-z_]+)\b/g)].map((m) => m[1] as string),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('warns at 30 days, escalates at 14 and is critical at 7', () => {
    const threshold = (severity: string): string[] =>
      rules.filter((rule) => rule.labels?.['severity'] === severity).map((rule) => rule.expr ?? '');
    expect(threshold('warning').some((expr) => expr.includes('< 30 * 86400'))).toBe(true);
    expect(threshold('high').some((expr) => expr.includes('< 14 * 86400'))).toBe(true);
    expect(threshold('critical').some((expr) => expr.includes('< 7 * 86400'))).toBe(true);
  });

  it('pages when no next certificate is ready 14 days before expiry', () => {
    const rule = rules.find((candidate) => (candidate.expr ?? '').includes('connectpay_next_client_certificate_ready'));
    expect(rule?.expr).toContain('< 14 * 86400');
    expect(rule?.labels?.['severity']).toBe('high');
  });

  (promtool ? it : it.skip)('passes promtool check rules and its unit tests', () => {
    const check = spawnSync('promtool', ['check', 'rules', ALERTS], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
    const test = spawnSync('promtool', ['test', 'rules', PROMTOOL_TESTS], { encoding: 'utf8' });
    expect(test.stdout + test.stderr).toContain('SUCCESS');
    expect(test.status).toBe(0);
  });
});
