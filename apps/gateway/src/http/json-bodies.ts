import type { FastifyInstance } from 'fastify';
import { JsonTooDeepError, MAX_JSON_DEPTH, nestsDeeperThan } from './edge.js';

// application/json and structured-syntax JSON types (application/problem+json, ...), with parameters.
const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/**
 * The gateway takes JSON bodies and nothing else. Fastify would hand a text/plain body to the
 * handlers as a string, which then fails validation with a misleading "payment is required"; with
 * only the JSON parser registered, any other type is refused with 415 up front.
 *
 * An empty body with a JSON content type is "no body" (as for `POST /v1/catalog/:api` without
 * input), not a parse error. Non-empty bodies go through Fastify's own parser, which also refuses
 * `__proto__` and `constructor.prototype` keys. JSON nested deeper than MAX_JSON_DEPTH is a 400.
 */
export function registerJsonBodies(fastify: FastifyInstance, bodyLimit: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    // Deep nesting would overflow the stack of whatever walks the value later (validation, signing).
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(new JsonTooDeepError(), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
