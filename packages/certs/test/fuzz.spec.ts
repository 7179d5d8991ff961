// Property-based: mutated PEM/DER never makes the parser or the engine throw anything but a CertsError.
import fc from 'fast-check';
import { CertsError, parseChainFile, verifyChain } from '@connectpay-kit/certs';
import { corpusFile } from './corpus.js';
import { cleanChain } from './support/pki.js';

type Mutation =
  | { kind: 'flip'; positions: number[] }
  | { kind: 'truncate'; at: number }
  | { kind: 'junk'; at: number; junk: Uint8Array }
  | { kind: 'base64'; at: number; char: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), positions: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('junk' as const), at: fc.nat(), junk: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({
    kind: fc.constant('base64' as const),
    at: fc.nat(),
    char: fc.constantFrom('!', '-', '_', '=', ' ', '\u00e9', 'A', '/'),
  }),
);

function mutate(source: Uint8Array, change: Mutation): Uint8Array {
  const bytes = Uint8Array.from(source);
  switch (change.kind) {
    case 'flip':
      for (const position of change.positions) {
        const index = position % bytes.length;
        bytes[index] = (bytes[index] as number) ^ (1 << (position % 8));
      }
      return bytes;
    case 'truncate':
      return bytes.subarray(0, change.at % bytes.length);
    case 'junk': {
      const at = change.at % bytes.length;
      return Uint8Array.from([...bytes.subarray(0, at), ...change.junk, ...bytes.subarray(at)]);
    }
    case 'base64': {
      bytes[change.at % bytes.length] = change.char.charCodeAt(0) & 0xff;
      return bytes;
    }
  }
}

async function expectOnlyCertsErrors(input: Uint8Array): Promise<void> {
  let parsed: ReturnType<typeof parseChainFile> | undefined;
  expect(() => {
    parsed = parseChainFile(input);
  }).not.toThrow();
  try {
    await verifyChain(parsed!, { offline: true, at: new Date('2026-11-29T00:00:00Z') });
  } catch (error) {
    if (!(error instanceof CertsError)) throw error;
    expect(error.code).not.toBe('CERTS_INTERNAL');
  }
}

describe('fuzzing parseChainFile and verifyChain', () => {
  let sources: { name: string; bytes: Uint8Array }[];

  beforeAll(async () => {
    const { pem, leaf } = await cleanChain();
    sources = [
      { name: 'testing-pki PEM chain', bytes: Buffer.from(pem) },
      { name: 'testing-pki DER leaf', bytes: leaf.der },
      { name: 'real GlobalSign chain', bytes: corpusFile('chains/globalsign-dv-expired.pem') },
      { name: 'real PSD2 QWAC', bytes: corpusFile('psd2/moneymonk-psp-ai.pem') },
    ];
  });

  it('never throws anything but a CertsError on mutated input (200 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (pick, changes) => {
        const source = sources[pick % sources.length]!;
        const input = changes.reduce(
          (bytes, change) => (bytes.length === 0 ? bytes : mutate(bytes, change)),
          source.bytes,
        );
        await expectOnlyCertsErrors(input);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });

  it('survives DER bit flips inside a certificate body (200 cases)', async () => {
    const { leaf } = await cleanChain();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: leaf.der.length * 8 - 1 }), { minLength: 1, maxLength: 4 }),
        async (bits) => {
          const der = Uint8Array.from(leaf.der);
          for (const bit of bits) der[bit >> 3] = (der[bit >> 3] as number) ^ (1 << (bit & 7));
          const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`;
          await expectOnlyCertsErrors(Buffer.from(pem));
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });

  it('survives arbitrary bytes (200 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        await expectOnlyCertsErrors(bytes);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });
});
