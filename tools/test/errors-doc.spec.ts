// docs/errors.md is generated from the error code lists (issue 15): a code added to a list without
// regenerating the page, or without a line of its own, fails here.
import { readFileSync } from 'node:fs';
import { ERRORS_DOC, SECTIONS, allCodes, generateErrorsDoc, readList, readRecord } from '../docs/errors-doc.mjs';

describe('docs/errors.md', () => {
  const page = readFileSync(ERRORS_DOC, 'utf8');

  it('is what tools/docs/errors-doc.mjs generates from the code lists (run it after changing a list)', async () => {
    expect(page).toBe(await generateErrorsDoc());
  });

  it('has one line for every code of every list', () => {
    const codes = allCodes().map(({ code }) => code);
    // Thirteen lists and more than 150 codes today: a parser that found none would pass the line check.
    expect(new Set(allCodes().map(({ section }) => section.list)).size).toBe(SECTIONS.length);
    expect(codes.length).toBeGreaterThan(150);
    const missing = codes.filter((code) => !new RegExp(`^\\| \`${code}\` +\\|`, 'm').test(page));
    expect(missing).toEqual([]);
  });

  it('gives every code a meaning, and no meaning to a code that is not listed', () => {
    for (const section of SECTIONS) {
      const listed = readList(section.file, section.list).map(String).sort();
      expect(Object.keys(readRecord(section.file, section.meaning)).sort()).toEqual(listed);
    }
  });

  it('answers every gateway code with a status', () => {
    const statuses = readRecord('apps/gateway/src/errors/gateway-error.ts', 'GATEWAY_ERROR_STATUS');
    const codes = readList('apps/gateway/src/errors/gateway-error.ts', 'GATEWAY_ERROR_CODES').map(String);
    expect(Object.keys(statuses).sort()).toEqual([...codes].sort());
  });
});
