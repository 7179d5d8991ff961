import { PinoNestLogger } from '../src/nest/index.js';
import { createServiceLogger } from '../src/index.js';

describe('PinoNestLogger', () => {
  it("writes Nest's messages as the service's JSON lines, Nest's chatty log as debug", () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createServiceLogger({
      service: { name: 'gateway' },
      level: 'trace',
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    const nest = new PinoNestLogger(logger);
    nest.log('Mapped {/health, GET} route', 'RouterExplorer');
    nest.warn('deprecated option', 'NestFactory');
    nest.error('Nest could not find X', 'Error: at ...stack', 'InstanceLoader');
    nest.debug('debugging', 'InstanceLoader');
    nest.verbose('verbose', 'InstanceLoader');
    expect(lines.map((line) => [line['level'], line['msg'], line['context'], line['service']])).toEqual([
      [20, 'Mapped {/health, GET} route', 'RouterExplorer', 'gateway'],
      [40, 'deprecated option', 'NestFactory', 'gateway'],
      [50, 'Nest could not find X', 'InstanceLoader', 'gateway'],
      [20, 'debugging', 'InstanceLoader', 'gateway'],
      [10, 'verbose', 'InstanceLoader', 'gateway'],
    ]);
  });

  it("leaves a failed app creation to startService: Nest's ExceptionHandler line is debug, not a second report", () => {
    const lines: string[] = [];
    const nest = new PinoNestLogger(
      createServiceLogger({
        service: { name: 'webhook' },
        destination: { write: (line: string) => void lines.push(line) },
      }),
    );
    nest.error('InvalidConfigError: ConnectPay stage configuration is invalid', 'ExceptionHandler');
    expect(lines).toEqual([]);
  });

  it('keeps Nest at info level quiet except warnings and errors', () => {
    const lines: string[] = [];
    const nest = new PinoNestLogger(
      createServiceLogger({
        service: { name: 'webhook' },
        destination: { write: (line: string) => void lines.push(line) },
      }),
    );
    nest.log('Nest application successfully started', 'NestApplication');
    nest.error('boom');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 50, msg: 'boom' });
  });
});
