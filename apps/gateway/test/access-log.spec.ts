// The access line is written without pino's serialisation (observability/logger.ts); it must stay
// the line pino writes for the same fields with the service logger's options, byte for byte.
import { createServiceLogger } from '@connectpay-kit/service-kit';
import { GATEWAY_SERVICE } from '../src/bootstrap/service.js';
import { createLoggers, type AccessLine } from '../src/observability/logger.js';

function capture(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

const withoutTime = (line: string) => line.replace(/"time":"[^"]+"/, '"time":"<t>"');

describe('the access line', () => {
  it.each<[string, AccessLine]>([
    ['an answer', { requestId: 'a1b2c3', method: 'POST', route: '/v1/catalog/:api', status: 200, durationMs: 1.3 }],
    ['a whole millisecond', { requestId: 'id-1', method: 'GET', route: '/health/live', status: 204, durationMs: 12 }],
    ['an unmatched route', { requestId: 'x:y.z', method: 'DELETE', route: '(unmatched)', status: 404, durationMs: 0 }],
    ['an odd route', { requestId: 'r', method: 'GET', route: '/a/"quoted"\\path', status: 200, durationMs: 0.1 }],
  ])('is the line pino writes: %s', (_name, line) => {
    const ours = capture();
    const pinos = capture();
    const { accessLogger } = createLoggers({ level: 'info', destination: ours.destination });
    const pino = createServiceLogger({ service: GATEWAY_SERVICE, destination: pinos.destination, redactPaths: [] });
    accessLogger.info(line, 'request');
    pino.info(line, 'request');
    accessLogger.error({ ...line, status: 502 }, 'request failed');
    pino.error({ ...line, status: 502 }, 'request failed');
    expect(ours.lines.map(withoutTime)).toEqual(pinos.lines.map(withoutTime));
    expect(ours.lines[0]).toMatch(/"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/);
  });

  it("follows the logger's level", () => {
    const line: AccessLine = { requestId: 'a', method: 'GET', route: '/', status: 200, durationMs: 1 };
    const warn = capture();
    createLoggers({ level: 'warn', destination: warn.destination }).accessLogger.info(line, 'request');
    createLoggers({ level: 'warn', destination: warn.destination }).accessLogger.error(line, 'request failed');
    expect(warn.lines).toHaveLength(1);
    const silent = capture();
    createLoggers({ level: 'silent', destination: silent.destination }).accessLogger.error(line, 'request failed');
    expect(silent.lines).toHaveLength(0);
  });
});
