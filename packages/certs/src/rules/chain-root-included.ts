import type { Rule } from '../engine/types.js';
import { element } from './describe.js';

export const chainRootIncluded: Rule<'chain.root-included'> = {
  id: 'chain.root-included',
  severity: 'error',
  title: 'The chain ends with its self-signed root certificate',
  cites: ['ConnectPay: "Root Included: Ensure the root certificate is included."'],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => {
    const chain = context.chain;
    const top = chain?.path[chain.path.length - 1];
    if (!chain || !top || chain.end === 'broken-root') return [];
    if (chain.end === 'root' && top.source === 'input') return [];
    if (chain.end === 'root') {
      return [
        {
          message: `the root certificate "${top.certificate.label}" is not included; it was found in the ${top.source === 'pool' ? 'intermediates pool' : 'trust store'}`,
          hint: `append "${top.certificate.label}" as the last certificate, or run \`cert-check fix\` to add it`,
        },
      ];
    }
    return [
      {
        ...(top.index === undefined ? {} : { certificate: top.index }),
        message: `the chain does not end with a self-signed root: the top, ${element(top)}, is issued by "${top.certificate.issuer.text}", which is not in the file`,
        hint: "append the CA's root certificate (self-signed: its subject equals its issuer) as the last certificate; ConnectPay adds your whole chain to its trust store",
      },
    ];
  },
};
