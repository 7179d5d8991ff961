// The rule registry checks itself: a rule exists when it is in RULES, and then it has a file, a title, a
// citation, a test that names it and a row in the README's table (generated from RULES; run this test
// with UPDATE_README=1 to rewrite the table after adding a rule).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { RULES, type Rule } from '@connectpay-kit/certs';

const RULES_DIR = new URL('../src/rules/', import.meta.url);
const TEST_DIR = new URL('./', import.meta.url);
const README = new URL('../README.md', import.meta.url);
const START =
  '<!-- rules table: generated from RULES by test/rules-registry.spec.ts -->\n<!-- prettier-ignore-start -->';
const END = '<!-- prettier-ignore-end -->\n<!-- end of rules table -->';

function isRule(value: unknown): value is Rule {
  return typeof value === 'object' && value !== null && 'id' in value && 'check' in value && 'cites' in value;
}

function rulesTable(): string {
  const escape = (text: string): string => text.replace(/\|/g, '\\|');
  return [
    '| id | severity | requires | cites |',
    '| --- | --- | --- | --- |',
    ...RULES.map(
      (rule) => `| \`${rule.id}\` | ${rule.severity} | ${escape(rule.title)} | ${escape(rule.cites.join('; '))} |`,
    ),
  ].join('\n');
}

function testSources(): string {
  const read = (dir: URL): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? read(new URL(`${entry.name}/`, dir))
        : entry.name.endsWith('.ts') && entry.name !== 'rules-registry.spec.ts'
          ? [readFileSync(new URL(entry.name, dir), 'utf8')]
          : [],
    );
  return read(TEST_DIR).join('\n');
}

describe('the rule registry', () => {
  it('registers every rule exported from src/rules/, once', async () => {
    const registered = new Set<Rule>(RULES);
    expect(registered.size).toBe(RULES.length);
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
    const unregistered: string[] = [];
    for (const file of readdirSync(RULES_DIR).filter((name) => name.endsWith('.ts'))) {
      const module = (await import(new URL(file, RULES_DIR).pathname)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module))
        if (isRule(value) && !registered.has(value)) unregistered.push(`${file}: ${name} (${value.id})`);
    }
    expect(unregistered).toEqual([]);
  });

  it('gives every rule a title, a citation and a severity', () => {
    for (const rule of RULES) {
      expect({ id: rule.id, severity: ['error', 'warning', 'info'].includes(rule.severity) }).toEqual({
        id: rule.id,
        severity: true,
      });
      expect({ id: rule.id, title: rule.title.length > 10, cites: rule.cites.length > 0 }).toEqual({
        id: rule.id,
        title: true,
        cites: true,
      });
    }
  });

  it('has a test that names every rule', () => {
    const sources = testSources();
    const untested = RULES.map((rule) => rule.id).filter((id) => !sources.includes(`'${id}'`));
    expect(untested).toEqual([]);
  });

  it("keeps the README's rules table equal to the registry", () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const expected = `${START}\n\n${rulesTable()}\n\n${END}`;
    const actual = readme.slice(start, end + END.length);
    if (actual !== expected && process.env.UPDATE_README === '1') {
      writeFileSync(README, readme.slice(0, start) + expected + readme.slice(end + END.length));
      return;
    }
    expect(actual).toBe(expected);
  });
});
