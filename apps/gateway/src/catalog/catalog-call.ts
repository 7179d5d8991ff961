import { API_CATALOG, API_NAMES, isApiName, pathParams, type ApiDefinition, type ApiName } from '@connectpay-kit/hosts';
import type { ErrorDetail } from '../errors/error-body.js';
import {
  ApiNotCallableError,
  UnknownApiError,
  UseTypedEndpointError,
  ValidationFailedError,
} from '../errors/gateway-error.js';
import { parseRequest } from '../http/validation.js';
import type { CallInput } from '@connectpay-kit/transport';
import { CatalogApiNameParamsSchema, CatalogCallBodySchema } from './catalog.schemas.js';
import { TYPED_ENDPOINTS } from './typed-endpoints.js';

/** A checked catalog call: an API the gateway may call, with input that fits its definition. */
export interface CatalogCall {
  readonly api: ApiName;
  readonly input: Omit<CallInput, 'requestId'>;
}

/**
 * Reads `POST /v1/catalog/:api` into a call, or throws the 4xx that says what to fix. The name is the
 * only thing the caller picks: host, path template, scheme and credentials come from packages/hosts,
 * so this is no open proxy.
 */
export function readCatalogCall(params: unknown, body: unknown): CatalogCall {
  const { api } = parseRequest(CatalogApiNameParamsSchema, params, 'path');
  return readNamedCatalogCall(api, body);
}

/**
 * readCatalogCall for a name already known to fit CatalogApiNameParamsSchema (1 to 100 characters),
 * as the directly served route's URL pattern guarantees: the same checks of the body.
 */
export function readNamedCatalogCall(api: string, body: unknown): CatalogCall {
  const name = callableApi(api);
  const input = parseRequest(CatalogCallBodySchema, body ?? {}, 'body');
  checkAgainstCatalog(name, input);
  return {
    api: name,
    input: {
      ...(input.params ? { params: input.params } : {}),
      ...(input.query ? { query: input.query } : {}),
      ...(input.body !== undefined ? { body: input.body } : {}),
    },
  };
}

function callableApi(api: string): ApiName {
  if (!isApiName(api)) {
    const prefix = api.split('.')[0] ?? '';
    throw new UnknownApiError(api, prefix ? API_NAMES.filter((name) => name.startsWith(`${prefix}.`)).slice(0, 3) : []);
  }
  const definition: ApiDefinition = API_CATALOG[api];
  if (definition.scheme === 'browser') {
    throw new ApiNotCallableError(`"${api}" is a page a person's browser is sent to; it cannot be called server-side.`);
  }
  const typed = TYPED_ENDPOINTS[api];
  if (typed) throw new UseTypedEndpointError(api, typed);
  return api;
}

function checkAgainstCatalog(api: ApiName, input: { params?: Record<string, string>; body?: unknown }): void {
  const definition: ApiDefinition = API_CATALOG[api];
  const expected = pathParams(definition.path);
  const given = Object.keys(input.params ?? {});
  const details: ErrorDetail[] = [
    ...expected
      .filter((name) => !given.includes(name))
      .map((name) => ({
        path: `params.${name}`,
        message: `is required: ${api} is ${definition.method} ${definition.path}.`,
      })),
    ...given
      .filter((name) => !expected.includes(name))
      .map((name) => ({
        path: `params.${name}`,
        message: `is not a path parameter of ${api} (${expected.length > 0 ? `it takes ${expected.join(', ')}` : 'it takes none'}).`,
      })),
  ];
  if (input.body !== undefined && definition.requestBody === undefined) {
    details.push({
      path: 'body',
      message: `is not allowed: ${api} (${definition.method} ${definition.path}) takes no body.`,
    });
  }
  if (details.length > 0) {
    throw new ValidationFailedError(`The request does not fit ${api}: fix the fields listed in details.`, details);
  }
}
