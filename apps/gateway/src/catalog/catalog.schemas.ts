import { z } from 'zod';

const QueryScalar = z.union([z.string().max(2048), z.number(), z.boolean()]);

export const CatalogCallBodySchema = z.strictObject({
  params: z
    .record(z.string(), z.string().min(1).max(200))
    .optional()
    .meta({ description: "Values of the API path's {placeholders}; each is URL-encoded into its own segment." }),
  query: z.record(z.string(), z.union([QueryScalar, z.array(QueryScalar).max(50)])).optional(),
  body: z.unknown().optional().meta({ description: "The provider's request body for APIs that take one." }),
});

export const CatalogApiNameParamsSchema = z.strictObject({
  api: z.string().min(1).max(100),
});

export const CatalogEntrySchema = z.object({
  api: z.string(),
  method: z.string(),
  path: z.string(),
  hostKind: z.enum(['mtls', 'oneway']),
  scheme: z.string(),
  summary: z.string(),
  gatewayEndpoint: z.string().meta({ description: 'The gateway endpoint that calls it.' }),
});
