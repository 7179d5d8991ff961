// Chains from testing-pki, written as real files in a scratch folder (keys generated now, never committed).
import { createChain, toPem, type GeneratedChain } from '@connectpay-kit/testing-pki';
import type { scratchDir } from './cli.js';

export interface ChainFiles {
  readonly chain: GeneratedChain;
  /** leaf, intermediate, root */
  readonly full: string;
  readonly root: string;
  readonly intermediate: string;
  /** leaf and root, the intermediate missing */
  readonly gap: string;
  readonly leafKey: string;
}

export async function writeChain(
  scratch: ReturnType<typeof scratchDir>,
  name: string,
  options: Parameters<typeof createChain>[0] = {},
): Promise<ChainFiles> {
  const chain = await createChain(options);
  const intermediate = chain.intermediates[0];
  if (!intermediate) throw new Error('createChain made no intermediate');
  return {
    chain,
    full: scratch.file(`${name}-chain.pem`, chain.pem),
    root: scratch.file(`${name}-root.pem`, chain.root.pem),
    intermediate: scratch.file(`${name}-intermediate.pem`, intermediate.pem),
    gap: scratch.file(`${name}-gap.pem`, toPem([chain.leaf, chain.root])),
    leafKey: scratch.file(`${name}-leaf.key`, chain.leaf.privateKeyPem),
  };
}
