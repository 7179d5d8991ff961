type JsonObject = Record<string, unknown>;

/**
 * The provider's schema requires merchant.brandId; through the gateway it may be left out when
 * GATEWAY_MERCHANT_BRAND_ID is set, so the published document says so.
 */
export function withGatewayDefaults(json: JsonObject): JsonObject {
  const properties = json['properties'] as Record<string, JsonObject> | undefined;
  const merchant = properties?.['merchant'];
  if (!merchant) return json;
  const required = (merchant['required'] as string[] | undefined)?.filter((field) => field !== 'brandId');
  const merchantProperties = merchant['properties'] as Record<string, JsonObject> | undefined;
  return {
    ...json,
    properties: {
      ...properties,
      merchant: {
        ...merchant,
        ...(required ? { required } : {}),
        properties: {
          ...merchantProperties,
          brandId: { ...merchantProperties?.['brandId'], description: 'Default: GATEWAY_MERCHANT_BRAND_ID.' },
          notificationUrl: {
            ...merchantProperties?.['notificationUrl'],
            description: 'Per-payment status callback; https outside local. Default: GATEWAY_NOTIFICATION_URL.',
          },
        },
      },
    },
  };
}
