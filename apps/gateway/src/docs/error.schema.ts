import { z } from 'zod';

/** The documented error shape (errors/error-body.ts), as a schema for the OpenAPI document. */
export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z
        .string()
        .meta({ examples: ['GATEWAY_VALIDATION_FAILED', 'TRANSPORT_CLIENT_CERT_REFUSED', 'PROVIDER_ERROR'] }),
      message: z.string().meta({ description: 'What is wrong and how to fix it.' }),
      requestId: z.string().meta({ description: 'Also in the x-request-id header and every log line of the request.' }),
      cause: z
        .string()
        .optional()
        .meta({ description: 'Why a connection failed, e.g. "untrusted", "expired", "ECONNREFUSED".' }),
      details: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'One entry per invalid field (validation errors).' }),
      provider: z
        .object({ status: z.number().int(), body: z.unknown() })
        .optional()
        .meta({ description: "ConnectPay's own answer, passed through when it answered with an error." }),
    }),
  })
  .meta({ description: 'Every error the gateway answers has this shape.' });
