import type { Rule } from '../engine/types.js';

export const pemFormat: Rule<'pem.format'> = {
  id: 'pem.format',
  severity: 'error',
  title: 'The chain file is PEM: only "-----BEGIN CERTIFICATE-----" blocks, each readable',
  cites: ['ConnectPay: "Provide a CA-issued full certificate chain in X509 ASCII Base64 format (PEM)"', 'RFC 7468 §5'],
  check: (context) =>
    context.input.problems.map((problem) => ({
      message: problem.message,
      ...(problem.hint ? { hint: problem.hint } : {}),
    })),
};
