import { z } from 'zod';

export const ExchangeCodeBodySchema = z.strictObject({
  code: z.string().min(1).max(2048).meta({ description: 'The auth code from the redirect (valid 24 h, single use).' }),
  redirectUri: z
    .url({ protocol: /^https?$/ })
    .meta({ description: 'The redirect URL the code was issued for, without a query string.' }),
});

export const TokenStatusSchema = z
  .object({
    state: z.enum(['none', 'valid', 'access-expired', 'refresh-expired']),
    accessTokenExpiresAt: z.string().optional(),
    refreshTokenExpiresAt: z.string().optional(),
    obtainedAt: z.string().optional(),
    scope: z.string().optional(),
    customerName: z
      .string()
      .optional()
      .meta({
        description: "ConnectPay's client_customer_name for the pair, masked as ConnectPay sends it (Mo********co).",
      }),
  })
  .meta({ description: 'The stored OAuth token pair: state and expiry, never token values.' });
