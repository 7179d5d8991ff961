// docker-compose.yml and the root Dockerfile as compose and docker read them, for compose.spec.ts (which
// checks them against the apps' sources) and replica-topology.e2e.spec.ts (which runs the apps with the
// environments they give). The compose file is parsed by `yaml`, the Dockerfile by `dockerfile-ast`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { parse } from 'yaml';
import { WORKSPACE_ROOT } from '../workspace.js';

export { WORKSPACE_ROOT };
export const read = (path: string): string => readFileSync(join(WORKSPACE_ROOT, path), 'utf8');

export interface Service {
  build?: string | { context?: string; dockerfile?: string; target?: string };
  image?: string;
  command?: string | string[];
  restart?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
  volumes?: string[];
  secrets?: (string | { source: string; target?: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}
export interface Compose {
  services: Record<string, Service>;
  secrets?: Record<string, { file?: string; environment?: string; external?: boolean }>;
  volumes?: Record<string, unknown>;
}

/**
 * The compose file as compose sees it: merge keys resolved, `${NAME:-default}` / `${NAME-default}` /
 * `$NAME` / `$$` substituted with the file's defaults (no shell, no .env), each service its own copy.
 */
export function parseCompose(text: string): Compose {
  const pattern = /\$(?:(\$)|\{([A-Za-z_]\w*)(?::?-([^}]*))?\}|([A-Za-z_]\w*))/g;
  const substitute = (_key: unknown, value: unknown) =>
    typeof value !== 'string'
      ? value
      : value.replace(pattern, (_match, dollar?: string, name?: string, fallback?: string, bare?: string) => {
          if (dollar) return '$';
          if (fallback !== undefined) return fallback;
          throw new Error(`docker-compose.yml uses \${${name ?? bare}} without a default: give it one.`);
        });
  const document = parse(text, substitute, { merge: true, maxAliasCount: -1 }) as Compose | null;
  if (typeof document?.services !== 'object') throw new Error('docker-compose.yml has no services mapping.');
  return JSON.parse(JSON.stringify(document)) as Compose;
}

/** A service's `environment` (list or mapping form) as strings. */
export function environmentOf(service: Service): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment))
    return Object.fromEntries(environment.map((entry) => /^([^=]*)=?(.*)$/s.exec(entry)!.slice(1)));
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value ?? '')]));
}

/** `build` in string or mapping form, with compose's defaults. */
export function buildOf(service: Service): { context: string; dockerfile: string; target?: string } | undefined {
  if (service.build === undefined) return undefined;
  const build = typeof service.build === 'string' ? { context: service.build } : service.build;
  return { context: build.context ?? '.', dockerfile: build.dockerfile ?? 'Dockerfile', target: build.target };
}

/** The app a service runs: its root Dockerfile target, or that of the service that builds its image. */
export function appOf(compose: Compose, name: string): string | undefined {
  const service = compose.services[name];
  const builder = service?.build
    ? service
    : Object.values(compose.services).find((other) => other.build && service?.image && other.image === service.image);
  const build = builder && buildOf(builder);
  const app = build?.context === '.' && build.dockerfile === 'Dockerfile' ? build.target : undefined;
  return app && /^[a-z0-9-]+$/.test(app) && existsSync(join(WORKSPACE_ROOT, 'apps', app, 'package.json'))
    ? app
    : undefined;
}

export interface Stage {
  readonly name: string | undefined;
  readonly image: string;
  readonly instructions: Instruction[];
}

/** The Dockerfile's stages, each with its instructions (`dockerfile-ast` joins continuations, skips comments). */
export function dockerStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const line = instruction.getRange().start.line + 1;
    if (instruction.getKeyword() === 'FROM') {
      const [, image = '', name] =
        /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.getArgumentsContent() ?? '') ?? [];
      stages.push({ name, image, instructions: [] });
    } else if (stages.length > 0) stages.at(-1)!.instructions.push(instruction);
    else if (instruction.getKeyword() !== 'ARG')
      throw new Error(`Dockerfile line ${line}: ${instruction.getKeyword()} before FROM.`);
  }
  return stages;
}

/** A target's stages, from the one that starts from an image to the target (FROM <stage> continues it). */
export function stageChain(stages: Stage[], target: string): Stage[] {
  const chain: Stage[] = [];
  for (let at = stages.findIndex((stage) => stage.name === target); at !== -1;) {
    const stage = stages[at]!;
    chain.unshift(stage);
    at = stages.slice(0, at).findIndex((earlier) => earlier.name === stage.image);
  }
  if (chain.length === 0) throw new Error(`the Dockerfile has no stage ${target}.`);
  return chain;
}

/** Instructions of a target's chain with one keyword, earliest first, as argument text. */
export const instructionsOf = (chain: Stage[], keyword: string): string[] =>
  chain.flatMap((stage) =>
    stage.instructions.filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent() ?? ''),
  );

/** The ENV a target's image starts with, a later stage overriding an earlier one. */
export function imageEnv(chain: Stage[]): Record<string, string> {
  const pairs = instructionsOf(chain, 'ENV').flatMap((value) => [...value.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)]);
  return Object.fromEntries(
    pairs.map(([, name, value = '']) => [name, value.startsWith('"') ? JSON.parse(value) : value]),
  );
}
