// Property (in-process: 150 spawns would cost ~20 s): whatever bytes a chain file holds, `verify` ends in exit 0, 1 or 2 with a message, never a throw.
import fc from 'fast-check';
import { cliInProcess, scratchDir, STACK_TRACE } from './support/cli.js';
import { writeChain, type ChainFiles } from './support/pki.js';

const scratch = scratchDir();
let main: ChainFiles;
let seeds: Buffer[];

beforeAll(async () => {
  main = await writeChain(scratch, 'main');
  seeds = [
    Buffer.from(main.chain.pem),
    Buffer.from(main.chain.leaf.der),
    Buffer.from(main.chain.pem.replace(/\n/g, '\r\n')),
  ];
});
afterAll(() => scratch.cleanup());

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'junk'; at: number; junk: Uint8Array }
  | { kind: 'base64'; at: number; char: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('junk' as const), at: fc.nat(), junk: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('base64' as const),
    at: fc.nat(),
    char: fc.constantFrom('!', '=', '-', ' ', '\n', 'A', '/', '\u0000'),
  }),
);

function mutate(input: Buffer, mutations: readonly Mutation[]): Buffer {
  let bytes = Buffer.from(input);
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    if (m.kind === 'flip') bytes[at] = (bytes[at] as number) ^ (1 << m.bit);
    else if (m.kind === 'truncate') bytes = bytes.subarray(0, at);
    else if (m.kind === 'junk') bytes = Buffer.concat([bytes.subarray(0, at), m.junk, bytes.subarray(at)]);
    else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.char, 'latin1'), bytes.subarray(at + 1)]);
  }
  return bytes;
}

describe('verify over mutated PEM and DER bytes', () => {
  it('always ends in exit 0, 1 or 2 with a message, never a throw or a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('text', 'json'),
        async (seed, mutations, format) => {
          const file = scratch.file('fuzzed.pem', mutate(seeds[seed] as Buffer, mutations));
          const result = await cliInProcess(['verify', '--offline', '--format', format, '--trust', main.root, file]);
          expect([0, 1, 2]).toContain(result.code);
          expect(`${result.stdout}${result.stderr}`.trim()).not.toBe('');
          expect(result.stderr).not.toMatch(STACK_TRACE);
          if (format === 'json')
            for (const line of result.stdout.trim().split('\n'))
              expect(() => JSON.parse(line) as unknown).not.toThrow();
          if (result.code === 0) expect(result.stdout).toMatch(format === 'json' ? /"ok":true/ : /: OK /);
        },
      ),
      { numRuns: 150 },
    );
  });
});
