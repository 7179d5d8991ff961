// Keeps docker-compose.yml, the root Dockerfile (one target per app) and .dockerignore true to the apps'
// sources (there is no Docker engine here: the files are parsed and checked). Each check runs on the
// committed files and on broken copies (MUTATIONS), so none of them can pass vacuously. The same topology
// runs as the apps' processes in replica-topology.e2e.spec.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import ignoreFile from '@balena/dockerignore';
import type { Instruction, ModifiableInstruction } from 'dockerfile-ast';
import { parse } from 'yaml';
import { SANDBOX_DEFAULT_PORTS, SETTINGS, variableName } from '@connectpay-kit/config';
import { ENVIRONMENTS } from '@connectpay-kit/hosts';
import { DEV_PKI_FILES, DEV_SERVER_NAMES } from '@connectpay-kit/testing-pki';
import { CURRENT } from '../rename/current.mjs';
import { sourceFiles, workspaceImports } from '../workspace.js';
import {
  type Compose,
  type Service,
  type Stage,
  WORKSPACE_ROOT,
  appOf,
  buildOf,
  dockerStages,
  environmentOf,
  imageEnv,
  instructionsOf,
  parseCompose,
  read,
  stageChain,
} from './compose-files.js';

// ---------------------------------------------------------------------------------------------------
// What the sources say (read once: the mutations alter the files, never the sources)

/** Non-test TypeScript files under a workspace folder. */
const sourcesIn = (folder: string) =>
  sourceFiles(join(WORKSPACE_ROOT, folder)).filter((f) => !/\.(spec|d)\.ts$/.test(f));

/** The constants of packages/config a port default may name (`port('X_PORT', SANDBOX_DEFAULT_PORTS.oneway)`). */
const PORT_CONSTANTS: Record<string, Record<string, number>> = { SANDBOX_DEFAULT_PORTS };

/**
 * Port defaults in a source text, each with the variable that moves it: `NAME_PORT: integer(min, max,
 * default)` or `port('NAME_PORT', default)`; a default is a number or `CONSTANT.key` of PORT_CONSTANTS.
 * Anything else throws: a default this cannot read would otherwise drop out of the checks unnoticed.
 */
function portDefaultsIn(text: string, file = ''): { variable: string; port: number }[] {
  const call =
    /\b(?:([A-Z][A-Z0-9_]*_PORT)\s*:\s*integer\(\s*[\d_]+\s*,\s*[\d_]+|port\(\s*['"]([A-Z][A-Z0-9_]*_PORT)['"])\s*,\s*((?:[^()]|\([^()]*\))*?)\s*,?\s*\)/g;
  return [...text.matchAll(call)].map(([, zod, sandbox, value = '']) => {
    const variable = (zod ?? sandbox)!;
    const [, name = '', key = ''] = /^([A-Z][A-Z0-9_]*)\.(\w+)$/.exec(value) ?? [];
    const port = /^\d[\d_]*$/.test(value) ? Number(value.replace(/_/g, '')) : PORT_CONSTANTS[name]?.[key];
    if (port === undefined)
      throw new Error(
        `${file}${variable} defaults to ${value}: neither a number nor a field of ${Object.keys(PORT_CONSTANTS)}.`,
      );
    return { variable, port };
  });
}

const facts = new Map<string, ReturnType<typeof readFacts>>();
const factsOf = (app: string) => facts.get(app) ?? facts.set(app, readFacts(app)).get(app)!;

function readFacts(app: string) {
  const own = sourcesIn(`apps/${app}/src`);
  const texts = own.map((file) => readFileSync(file, 'utf8'));
  const ports = own.flatMap((file, index) => portDefaultsIn(texts[index]!, `${relative(WORKSPACE_ROOT, file)}: `));
  // Routes: Nest controllers (`@Controller('health')` + `@Get('ready')`), route constants and `pathname === '/x'`.
  const routes = texts.flatMap((text) => {
    const controller = /@Controller\(\s*(?:['"]([^'"]*)['"])?\s*\)/.exec(text);
    const decorators = /@(Get|Post|Put|Patch|Delete|Head|All)\(\s*(?:['"]([^'"]*)['"])?\s*\)/g;
    const constants = /\bconst\s+[A-Z0-9_]*(?:ROUTE|PATH)\s*=\s*['"](\/[^'"]*)['"]/g;
    const comparisons = /(?:method\s*===\s*['"]([A-Z]+)['"]\s*&&\s*)?pathname\s*===\s*['"](\/[^'"]*)['"]/g;
    return [
      ...[...(controller ? text.matchAll(decorators) : [])].map(([, method = '', sub = '']) => ({
        method: method.toUpperCase(),
        path: posix.join('/', controller?.[1] ?? '', sub),
      })),
      ...[...text.matchAll(constants)].map(([, path = '']) => ({ method: 'ANY', path })),
      ...[...text.matchAll(comparisons)].map(([, method = 'ANY', path = '']) => ({ method, path })),
    ];
  });
  // Workspace packages the app's runtime code reaches, directly or through other packages.
  const packages = new Set<string>();
  for (const queue = own.flatMap(workspaceImports); queue.length > 0;) {
    const name = queue.shift()!;
    if (packages.has(name) || !existsSync(join(WORKSPACE_ROOT, 'packages', name))) continue;
    packages.add(name);
    queue.push(...sourcesIn(`packages/${name}/src`).flatMap(workspaceImports));
  }
  // Variables: every UPPER_SNAKE string literal, settings schemas' keys, and config's CONNECTPAY_<ENV>_<SETTING>.
  const variables = new Set<string>();
  for (const file of [...own, ...[...packages].flatMap((name) => sourcesIn(`packages/${name}/src`))]) {
    const text = readFileSync(file, 'utf8');
    for (const [, name = ''] of text.matchAll(/['"`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"`]/g)) variables.add(name);
    if (file.endsWith('/settings.ts'))
      for (const [, name = ''] of text.matchAll(/^\s+([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+):/gm)) variables.add(name);
  }
  if (packages.has('config'))
    for (const environment of ENVIRONMENTS)
      for (const setting of SETTINGS) variables.add(variableName(environment, setting));
  return { ports: ports.sort((a, b) => a.port - b.port), routes, packages: [...packages].sort(), variables };
}

const serves = (app: string, path: string, method?: string) =>
  factsOf(app).routes.some(
    (route) =>
      new RegExp(`^${route.path.replace(/:[^/]+/g, '[^/]+')}$`).test(path) &&
      (method === undefined || route.method === method || route.method === 'ANY'),
  );

const workspaces = () =>
  Object.keys((JSON.parse(read('package-lock.json')) as { packages: object }).packages).filter(
    (key) => key !== '' && !key.includes('node_modules'),
  );

// ---------------------------------------------------------------------------------------------------
// The input as the checks see it

/** What the checks read (readme: where users are told which ./secrets/ files to fill); mutations alter copies. */
type Input = { compose: Compose } & Record<'dockerfile' | 'dockerignore' | 'readme', string>;

const isPostgres = (service: Service) => /^postgres(:|$)/.test(service.image ?? '');
const dependencies = (service: Service): Record<string, string> =>
  Object.fromEntries(
    Array.isArray(service.depends_on)
      ? service.depends_on.map((name) => [name, 'service_started'])
      : Object.entries(service.depends_on ?? {}).map(([name, spec]) => [name, spec.condition ?? 'service_started']),
  );
/** A `volumes` entry: `source:target[:mode]` (a bind mount when the source is a path) or an anonymous volume. */
const mountOf = (entry: string) => {
  const [source = '', target, mode = ''] = entry.split(':');
  const type = target === undefined ? 'anonymous' : /^[./~]/.test(source) ? 'bind' : 'volume';
  return { type, source, target: target ?? source, readOnly: mode.split(',').includes('ro') };
};
/** A health check's test (compose list or string form): argv for CMD, shell text, undefined for NONE or none. */
const healthOf = (test: string | string[] | undefined) =>
  test === undefined || test[0] === 'NONE'
    ? undefined
    : typeof test === 'string' || test[0] === 'CMD-SHELL'
      ? { shell: typeof test === 'string' ? test : test.slice(1).join(' ') }
      : { argv: test[0] === 'CMD' ? test.slice(1) : test };
/** The COPY and ADD instructions among these: their line, `--from` stage and sources. */
const copiesIn = (instructions: Instruction[]) =>
  instructions.flatMap((i) => {
    if (!['COPY', 'ADD'].includes(i.getKeyword())) return [];
    const from = (i as ModifiableInstruction).getFlags().find((flag) => flag.getName() === 'from');
    const sources = i.getArguments().map((argument) => argument.getValue());
    return [{ line: i.getRange().start.line + 1, from: from?.getValue() ?? undefined, sources: sources.slice(0, -1) }];
  });

/** The Dockerfile's stages (or why it cannot be read), and each service with its app, image and environment. */
function view(input: Input) {
  let stages: Stage[] = [];
  let broken: string | undefined;
  try {
    stages = dockerStages(input.dockerfile);
  } catch (error) {
    broken = (error as Error).message;
  }
  const services = Object.entries(input.compose.services).map(([name, service]) => {
    const app = appOf(input.compose, name);
    const chain = stages.some((s) => s.name === app) ? stageChain(stages, app!) : undefined;
    const image = /(?:^|\s)CMD\s+(.*)$/s.exec(instructionsOf(chain ?? [], 'HEALTHCHECK').at(-1) ?? '')?.[1]?.trim();
    return {
      name,
      service,
      app,
      chain,
      mounts: (service.volumes ?? []).map(mountOf),
      /** The image's ENV, overridden by the service's `environment`. */
      environment: { ...imageEnv(chain ?? []), ...environmentOf(service) },
      health: healthOf(service.healthcheck?.disable ? undefined : service.healthcheck?.test),
      imageHealth: healthOf(image?.startsWith('[') ? ['CMD', ...(JSON.parse(image) as string[])] : image),
      oneShot: service.restart === 'no' && service.command !== undefined,
    };
  });
  return { ...input, stages, broken, services, ignored: ignoreFile.default().add(input.dockerignore) };
}

/** A check reports each problem it finds; the same problem reported twice counts once. */
type Check = (input: ReturnType<typeof view>, problem: (text: string) => void) => void;

// ---------------------------------------------------------------------------------------------------
// The checks

const CHECKS: Record<string, Check> = {
  /** Every service builds its app's target of the root Dockerfile, or runs a public image pinned to a version. */
  builds({ stages, broken, services }, problem) {
    for (const { name, service, app } of services) {
      const [build, image] = [buildOf(service), service.image];
      const path = build && posix.join(build.context, build.dockerfile);
      if (!build && (image === undefined || image.endsWith(':latest') || (!app && !/:\w[\w.-]*$/.test(image))))
        problem(`${name}: ${image === undefined ? 'neither build nor image' : `pin ${image} to a version tag`}.`);
      else if (build && (path !== 'Dockerfile' || posix.normalize(build.context) !== '.'))
        problem(`${name}: builds ${path} (context ${build.context}), not the root Dockerfile (context .).`);
      else if (build && (!app || (!broken && !stages.some((stage) => stage.name === build.target))))
        problem(`${name}: target ${build.target ?? '(none: docker builds the last stage)'} is not an app's stage.`);
    }
  },

  /** Published and exposed ports are the ports the app listens on by default (read from its sources). */
  ports({ services }, problem) {
    const hostPorts = new Map<string, string>();
    for (const { name, service, app, chain, environment } of services) {
      const defaults = app ? factsOf(app).ports : [];
      const listening = defaults.map((p) => p.port);
      if (app && defaults.length === 0) problem(`${name}: no default port found in apps/${app}/src.`);
      for (const { variable, port } of defaults)
        if (environment[variable] !== undefined && Number(environment[variable]) !== port)
          problem(`${name}: ${variable}=${environment[variable]} moves ${app} off its default port ${port}.`);
      for (const parts of (service.ports ?? []).map((entry) => entry.replace(/\/(tcp|udp)$/, '').split(':'))) {
        const host = parts.length < 2 ? '' : parts.length > 2 ? parts.slice(0, -1).join(':') : `0.0.0.0:${parts[0]}`;
        if (hostPorts.has(host)) problem(`${name}: host port ${host} is also published by ${hostPorts.get(host)}.`);
        if (host) hostPorts.set(host, name);
        if (app && !listening.includes(Number(parts.at(-1))))
          problem(`${name}: publishes container port ${parts.at(-1)}, but ${app} listens on ${listening.join(', ')}.`);
      }
      const exposed = instructionsOf(chain ?? [], 'EXPOSE').flatMap((v) => v.split(/\s+/).map((p) => parseInt(p)));
      if (app && [...new Set(exposed)].sort().join() !== [...listening].sort().join())
        problem(`Dockerfile target ${app}: EXPOSE ${exposed.join(' ')} differs from ports ${listening.join(' ')}.`);
    }
  },

  /** Every variable set for an app (compose or image ENV) is one its code, or its packages' code, reads. */
  environment({ services }, problem) {
    // The postgres image's documented variables; NODE_ENV is read by Node and libraries, not by our code.
    const postgres = 'POSTGRES_USER POSTGRES_PASSWORD POSTGRES_PASSWORD_FILE POSTGRES_DB POSTGRES_INITDB_ARGS PGDATA';
    for (const { name, service, app, environment } of services) {
      const known = app ? factsOf(app).variables : isPostgres(service) ? new Set(postgres.split(' ')) : undefined;
      if (!known) problem(`${name}: runs ${service.image ?? 'no image'}, whose variables this test does not know.`);
      for (const variable of Object.keys(environment))
        if (known && !known.has(variable) && variable !== 'NODE_ENV')
          problem(`${name}: sets ${variable}, which ${app ?? service.image} never reads.`);
    }
  },

  /**
   * Secrets and volumes are declared, used and exist (or are ./secrets/ files README.md tells users to
   * fill); every path a variable names is a granted secret or in a mounted volume; dev PKI paths name its
   * files, in a folder inside (not at) a volume whose read-only readers wait for the one-shot that fills it.
   */
  files({ compose, readme, services }, problem) {
    const used = { secrets: new Set<string>(), volumes: new Set<string>() };
    const use = (name: string, kind: keyof typeof used, source: string) => {
      used[kind].add(source);
      if (!Object.hasOwn(compose[kind] ?? {}, source)) problem(`${name}: ${kind} has no ${source}.`);
    };
    for (const { name, service, mounts, environment } of services) {
      for (const { type, source } of mounts) {
        if (type === 'bind' && !existsSync(join(WORKSPACE_ROOT, source))) problem(`${name}: no bind source ${source}.`);
        else if (type === 'volume') use(name, 'volumes', source);
      }
      const granted = (service.secrets ?? []).map((secret) => {
        const { source, target = source } = typeof secret === 'string' ? { source: secret } : secret;
        use(name, 'secrets', source);
        return target.startsWith('/') ? target : `/run/secrets/${target}`;
      });
      const inMount = (path: string) => mounts.find((m) => path === m.target || path.startsWith(`${m.target}/`));
      const devPki = environment['CONNECTPAY_DEV_PKI_DIR'];
      for (const [variable, value] of Object.entries(environment)) {
        if ((value.startsWith('/') || /_(FILE|DIR)$/.test(variable)) && !granted.includes(value) && !inMount(value))
          problem(`${name}: ${variable}=${value} is neither a secret it is granted nor inside a volume it mounts.`);
        const file = devPki && value.startsWith(`${devPki}/`) ? value.slice(devPki.length + 1) : '';
        if (file && !Object.values<string>(DEV_PKI_FILES).includes(file))
          problem(`${name}: ${variable} names ${file}, which the dev PKI does not hold.`);
      }
      const mount = devPki === undefined ? undefined : inMount(devPki);
      // The dev PKI step renames a sibling folder into place: it cannot be the mount point itself.
      if (mount && mount.target === devPki) problem(`${name}: CONNECTPAY_DEV_PKI_DIR is the mount point ${devPki}.`);
      const fills = ([other, condition]: [string, string]) =>
        condition === 'service_completed_successfully' &&
        (compose.services[other]?.volumes ?? []).map(mountOf).some((m) => m.source === mount?.source && !m.readOnly);
      if (mount?.readOnly && !Object.entries(dependencies(service)).some(fills))
        problem(`${name}: mounts the dev PKI volume ${mount.source} read-only but does not wait for its writer.`);
    }
    for (const kind of ['secrets', 'volumes'] as const)
      for (const declared of Object.keys(compose[kind] ?? {}))
        if (!used[kind].has(declared)) problem(`${kind.slice(0, -1)} ${declared} is declared but no service uses it.`);
    for (const [secret, { file, environment, external }] of Object.entries(compose.secrets ?? {})) {
      const path = posix.normalize(file ?? '.');
      const filled = path.startsWith('secrets/') && readme.includes(path);
      if (file === undefined && !external && environment === undefined) problem(`secret ${secret} has no source.`);
      else if (file !== undefined && !existsSync(join(WORKSPACE_ROOT, path)) && !filled)
        problem(`secret ${secret}: ${file} does not exist and is not a ./secrets/ file README.md tells users to fill.`);
    }
  },

  /** Health checks use node (the slim image has no curl) and call a path the app serves, on its port. */
  health({ services }, problem) {
    for (const { name, app, health, imageHealth, oneShot } of services) {
      if (app && oneShot && health) problem(`${name}: a one-shot service should disable the image's health check.`);
      const checks = { [`${name} healthcheck`]: health, [`Dockerfile target ${app} HEALTHCHECK`]: imageHealth };
      for (const [where, check] of app && !oneShot ? Object.entries(checks) : []) {
        if (check?.argv?.[0] !== 'node')
          problem(`${where}: ${check ? 'must run node (no curl in the slim image)' : 'missing'}.`);
        const text = check?.shell ?? check?.argv?.join(' ') ?? '';
        const urls = [...text.matchAll(/\b(https?):\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/[^'"\s)]*)?/g)];
        if (check && urls.length === 0) problem(`${where}: names no http(s)://127.0.0.1:<port> URL.`);
        for (const [url, scheme, port, path] of urls) {
          if (!factsOf(app!).ports.some((p) => p.port === Number(port)))
            problem(`${where}: ${url} is not a port ${app} listens on.`);
          if (path === undefined && scheme === 'http') problem(`${where}: ${url} names no path.`);
          if (path !== undefined && !serves(app!, path, 'GET')) problem(`${where}: ${app} does not serve GET ${path}.`);
        }
      }
    }
  },

  /**
   * Every COPY source exists and reaches the builder; the build stage runs npm ci with every workspace
   * manifest, builds the app and drops dev dependencies; each app's target starts from the slim image,
   * copies from the build exactly the dist of the packages the app imports (or its services' commands
   * run), runs as node and starts the app's entry.
   */
  dockerfile({ stages, broken, ignored, services }, problem) {
    if (broken) return problem(`Dockerfile: ${broken}`);
    stages.forEach((stage, index) => {
      for (const { line, from, sources } of copiesIn(stage.instructions)) {
        if (from !== undefined && !stages.slice(0, index).some((s) => s.name === from))
          problem(`Dockerfile:${line}: --from=${from} is not an earlier stage.`);
        for (const source of from === undefined ? sources : []) {
          const path = posix.normalize(source).replace(/\/$/, '');
          if (!existsSync(join(WORKSPACE_ROOT, path))) problem(`Dockerfile:${line}: ${source} does not exist.`);
          else if (path !== '.' && ignored.ignores(path))
            problem(`Dockerfile:${line}: .dockerignore excludes ${source}.`);
        }
      }
    });
    // An app whose target is no stage: the builds check says so.
    for (const [app, chain] of new Map(services.flatMap((s) => (s.app && s.chain ? [[s.app, s.chain]] : [])))) {
      const where = `Dockerfile target ${app}`;
      const base = chain[0]!;
      if (base.image !== 'node:20-bookworm-slim')
        problem(`${where}: the run stage should be node:20-bookworm-slim, not ${base.image} (stage ${base.name}).`);
      const fromBuild = copiesIn(chain.flatMap((stage) => stage.instructions)).filter((copy) => copy.from);
      const builders = [...new Set(fromBuild.map((copy) => copy.from))];
      if (builders.length !== 1)
        problem(`${where}: copies from ${builders.join(' and ') || 'no stage'}, not one build stage.`);
      const build = stages.find((stage) => builders.length === 1 && stage.name === builders[0]);
      const at = `Dockerfile stage ${build?.name}`;
      const [steps, runs] = [build?.instructions ?? [], instructionsOf(build ? [build] : [], 'RUN')];
      const ci = steps.findIndex((i) => i.getKeyword() === 'RUN' && /\bnpm ci\b/.test(i.getArgumentsContent() ?? ''));
      const manifests = copiesIn(steps.slice(0, ci)).flatMap((copy) => copy.sources.map(posix.normalize));
      if (build && build.image !== 'node:20-bookworm')
        problem(`${at}: the build stage should be node:20-bookworm, not ${build.image}.`);
      if (build && ci === -1) problem(`${at}: the build stage never runs npm ci.`);
      for (const workspace of ci === -1 ? [] : workspaces())
        if (!manifests.includes(`${workspace}/package.json`))
          problem(`${at}: copies no ${workspace}/package.json before npm ci.`);
      if (build && !runs.some((run) => buildsApp(run, app)))
        problem(`${at}: never builds ${app}, whose dist ${where} copies.`);
      if (build && !runs.some((run) => /--omit=dev\b/.test(run)))
        problem(`${at}: dev dependencies are never dropped (--omit=dev).`);
      // Packages the app imports, and those its services run by command (`node packages/<name>/dist/<file>.js`).
      const packages = new Set(factsOf(app).packages);
      for (const { name, service } of services.filter((s) => s.app === app))
        for (const part of [service.command ?? []].flat().flatMap((words) => words.split(/\s+/))) {
          const [, runs = '', file = ''] = /^(?:\.\/)?packages\/([a-z0-9-]+)\/dist\/(.+)\.js$/.exec(part) ?? [];
          if (runs) packages.add(runs);
          if (runs && !existsSync(join(WORKSPACE_ROOT, `packages/${runs}/src/${file}.ts`)))
            problem(`${name}: runs ${part}, which no source builds (no packages/${runs}/src/${file}.ts).`);
        }
      const copied = fromBuild.flatMap((copy) => copy.sources.map((s) => s.replace(/^\/app\//, '').replace(/\/$/, '')));
      const dirs = [`apps/${app}`, ...[...packages].map((p) => `packages/${p}`)];
      for (const path of ['package.json', 'node_modules', ...dirs.flatMap((d) => [`${d}/package.json`, `${d}/dist`])])
        if (!copied.includes(path)) problem(`${where}: the run stage does not copy ${path} from the build.`);
      for (const shipped of copied.flatMap((path) => /^packages\/([a-z0-9-]+)\//.exec(path)?.[1] ?? []))
        if (!packages.has(shipped))
          problem(`${where}: the run stage ships packages/${shipped}, which ${app} never runs.`);
      const user = instructionsOf(chain, 'USER').at(-1) ?? 'root';
      if (user !== 'node') problem(`${where}: the run stage runs as ${user}, not node.`);
      const cmd = instructionsOf(chain, 'CMD').at(-1) ?? '';
      if ((cmd.startsWith('[') ? (JSON.parse(cmd) as string[]).join(' ') : cmd) !== `node apps/${app}/dist/main.js`)
        problem(`${where}: CMD should be ["node", "apps/${app}/dist/main.js"].`);
      if (!existsSync(join(WORKSPACE_ROOT, `apps/${app}/src/main.ts`)))
        problem(`${where}: no apps/${app}/src/main.ts.`);
    }
  },

  /** The build context keeps out host builds and secrets, and keeps in everything `COPY . .` + nx build need. */
  context({ ignored }, problem) {
    // Sample paths standing for what must never reach an image layer.
    const never = [
      ...['.git/HEAD', 'node_modules/yaml/package.json', 'packages/config/node_modules/x/package.json'],
      ...['apps/gateway/dist/main.js', '.dev-pki/client.key', 'apps/gateway/.dev-pki/client.key'],
      ...['secrets/gateway-api-keys.txt', '.env', '.env.prod', '.data/connectpay.sqlite'],
    ];
    const perWorkspace = ['package.json', 'tsconfig.json', 'tsconfig.lib.json', 'src/index.ts', 'src/main.ts'];
    const needed = ['package.json', 'package-lock.json', '.npmrc', 'nx.json', 'tsconfig.base.json'];
    needed.push(...workspaces().flatMap((workspace) => perWorkspace.map((file) => `${workspace}/${file}`)));
    for (const path of never) if (!ignored.ignores(path)) problem(`.dockerignore lets ${path} into the build context.`);
    for (const path of needed)
      if (existsSync(join(WORKSPACE_ROOT, path)) && ignored.ignores(path))
        problem(`.dockerignore keeps ${path}, which the image build needs, out of the context.`);
  },

  /** Dependencies exist, can be met (a health check to wait for, a one-shot to finish) and do not loop. */
  dependsOn({ compose, services }, problem) {
    const conditions = ['service_started', 'service_healthy', 'service_completed_successfully'];
    for (const { name, service } of services)
      for (const [dependency, condition] of Object.entries(dependencies(service))) {
        const target = services.find((s) => s.name === dependency);
        const healthy = target?.health ?? (target?.service.healthcheck?.disable ? undefined : target?.imageHealth);
        if (!target) problem(`${name}: depends on ${dependency}, which is not a service.`);
        else if (condition === 'service_healthy' && !healthy)
          problem(`${name}: waits for ${dependency} to be healthy, which has no health check.`);
        else if (condition === 'service_completed_successfully' && !target.oneShot)
          problem(`${name}: waits for ${dependency} to complete, but it is not a one-shot (restart "no", a command).`);
        else if (!conditions.includes(condition)) problem(`${name}: unknown depends_on condition ${condition}.`);
      }
    const visit = (path: string[]): void => {
      const name = path.at(-1)!;
      if (path.indexOf(name) < path.length - 1) return problem(`depends_on loops: ${path.join(' -> ')}.`);
      for (const next of Object.keys(dependencies(compose.services[name] ?? {}))) visit([...path, next]);
    };
    for (const name of Object.keys(compose.services)) visit([name]);
  },

  /** A URL naming another service hits a port it listens on, a path it serves, a TLS name its certificate holds. */
  urls({ services }, problem) {
    const url = /\b([a-z][a-z0-9+.-]*):\/\/(?:([^@/\s:]*)(?::([^@/\s]*))?@)?([a-z0-9][a-z0-9-]*):(\d+)(\/[^\s'"]*)?/gi;
    for (const { name, environment } of services)
      for (const [variable, value] of Object.entries(environment))
        for (const [whole, scheme, user, password, host = '', port, path] of value.matchAll(url)) {
          const [target, where] = [services.find((s) => s.name === host), `${name}: ${variable}`];
          const { app } = target ?? {};
          const database = target && isPostgres(target.service) ? environmentOf(target.service) : undefined;
          const owner = database?.['POSTGRES_USER'] ?? 'postgres';
          if (app && !factsOf(app).ports.some((p) => p.port === Number(port)))
            problem(`${where}: ${host} does not listen on ${port}.`);
          if (app && path !== undefined && path !== '/' && !serves(app, path))
            problem(`${where}: ${app} serves no ${path}.`);
          if (app && scheme === 'https' && !DEV_SERVER_NAMES.includes(host as never))
            problem(`${where}: the dev PKI's certificates name ${DEV_SERVER_NAMES.join(', ')}, not ${host}.`);
          if (database && Number(port) !== 5432) problem(`${where}: PostgreSQL listens on 5432, not ${port}.`);
          if (database && user !== owner) problem(`${where}: connects as ${user}, but the database user is ${owner}.`);
          if (database && password !== database['POSTGRES_PASSWORD'])
            problem(`${where}: the password is not ${host}'s.`);
          if (database && path?.slice(1) !== (database['POSTGRES_DB'] ?? owner))
            problem(`${where}: database ${path?.slice(1)} is not ${host}'s POSTGRES_DB.`);
          if (target && !app && !database) problem(`${where}: ${whole} names ${host}, which this test cannot check.`);
        }
  },
};

function problemsOf(check: string, input: Input): string[] {
  const problems = new Set<string>();
  CHECKS[check]!(view(input), (text) => problems.add(text));
  return [...problems];
}

/** Whether a RUN line builds the app: `nx run <app>:build`, or `nx run-many` with the build target and the app (or no -p). */
function buildsApp(command: string, app: string): boolean {
  if (new RegExp(`\\bnx run ${app}:build\\b`).test(command)) return true;
  const args = /\bnx run-many\b([^;&|]*)/.exec(command)?.[1];
  const flags: Record<string, string> = { '-t': 't', '--target': 't', '--targets': 't', '-p': 'p', '--projects': 'p' };
  const lists = Object.fromEntries(
    (args?.trim().split(/\s+(?=-)/) ?? []).map((group) => {
      const [flag = '', ...values] = group.split(/[\s=,]+/);
      return [flags[flag] ?? flag, values];
    }),
  );
  return args !== undefined && lists['t']?.includes('build') === true && (lists['p'] ?? [app]).includes(app);
}

// ---------------------------------------------------------------------------------------------------
// Broken copies

const real: Input = {
  compose: parseCompose(read('docker-compose.yml')),
  dockerfile: read('Dockerfile'),
  dockerignore: read('.dockerignore'),
  readme: read('README.md'),
};

/**
 * Changes one thing in a copy of the input: `a.b.c = <YAML>` or `delete a.b.c` in the compose file,
 * `Dockerfile@<stage>: <text> => <text>` in one stage of the Dockerfile, `.dockerignore: <text> => <text>`.
 */
function mutate(input: Input, change: string): void {
  const [replace, stage, from = '', to = ''] =
    /^(?:Dockerfile@([\w-]+)|\.dockerignore): ([^]*) =>(?: ([^]*))?$/.exec(change) ?? [];
  if (replace) {
    const file = stage ? 'dockerfile' : 'dockerignore';
    // A stage runs from its FROM line to the next one.
    const [scope = ''] =
      (stage ? new RegExp(`^FROM .* AS ${stage}\\n(?:(?!FROM ).*\\n?)*`, 'm') : /^[^]*$/).exec(input[file]) ?? [];
    if (!scope.includes(from)) throw new Error(`no ${from} to change: update "${change}".`);
    input[file] = input[file].replace(scope, () => scope.replace(from, () => to));
    return;
  }
  const [, remove, path = '', value = ''] = /^(delete )?([\w.-]+)(?: = (.*))?$/.exec(change) ?? [];
  const keys = path.split('.');
  const last = keys.pop()!;
  const at = keys.reduce<Record<string, unknown> | undefined>(
    (object, key) => object?.[key] as Record<string, unknown>,
    input.compose as never,
  );
  if (at === undefined) throw new Error(`docker-compose.yml has no ${keys.join('.')}: update "${change}".`);
  if (remove) delete at[last];
  else at[last] = parse(value) as unknown;
}

// One broken copy per line: `check | change | what the check must report`.
const P = CURRENT.ports;
const copyDist = (name: string) => `COPY --from=build /app/packages/${name}/dist packages/${name}/dist\n`;
const MUTATIONS = [
  'builds | services.gateway.build.dockerfile = Dockerfil | gateway: builds Dockerfil (context .)',
  'builds | services.gateway.build.dockerfile = apps/gateway/Dockerfile | gateway: builds apps/gateway/Dockerfile (context .)',
  'builds | services.gateway.build.context = apps/gateway | gateway: builds apps/gateway/Dockerfile (context apps/gateway)',
  'builds | delete services.gateway.build.target | gateway: target (none: docker builds the last stage)',
  'builds | services.webhook-1.build.target = webhok | webhook-1: target webhok is not an app',
  'builds | services.gateway.build.target = runtime-base | gateway: target runtime-base is not an app',
  'builds | services.postgres.image = postgres | pin postgres to a version tag',
  'builds | services.postgres.image = postgres:latest | pin postgres:latest to a version tag',
  `ports | services.gateway.ports = ['127.0.0.1:${P.gateway}:${P.webhook}'] | publishes container port ${P.webhook}, but gateway listens on ${P.gateway}.`,
  // The sandbox's ports come from packages/config's SANDBOX_DEFAULT_PORTS, not from its own sources.
  `ports | services.sandbox.ports = ['127.0.0.1:1:${P.gateway}'] | port ${P.gateway}, but sandbox listens on ${P.sandboxMtls}, ${P.sandboxOneway}.`,
  `ports | services.webhook-2.ports = ['127.0.0.1:${P.webhook}:${P.webhook}'] | host port 127.0.0.1:${P.webhook} is also published by webhook-1`,
  `ports | services.gateway.environment.GATEWAY_PORT = '1' | GATEWAY_PORT=1 moves gateway off its default port ${P.gateway}`,
  `ports | Dockerfile@webhook: EXPOSE ${P.webhook} => EXPOSE 1 | Dockerfile target webhook: EXPOSE 1 differs from ports ${P.webhook}`,
  'environment | services.gateway.environment.GATEWAY_STORGE = x | gateway: sets GATEWAY_STORGE, which gateway never reads',
  'environment | services.sandbox.environment.GATEWAY_HOST = x | sandbox: sets GATEWAY_HOST, which sandbox never reads',
  'environment | Dockerfile@webhook: ENV WEBHOOK_HOST=0.0.0.0 => ENV WEBHOOK_HOST=0.0.0.0 WEBHOOK_LISTEN=x | webhook-1: sets WEBHOOK_LISTEN',
  'environment | Dockerfile@runtime-base: ENV NODE_ENV=production => ENV NODE_ENV=production GATEWAY_HOST=x | sandbox: sets GATEWAY_HOST',
  'environment | services.postgres.environment.POSTGRES_PASS = x | postgres: sets POSTGRES_PASS',
  'environment | services.postgres.image = redis:7 | postgres: runs redis:7, whose variables this test does not know',
  'files | delete secrets.gateway_api_keys | gateway: secrets has no gateway_api_keys',
  'files | secrets.gateway_api_keys.file = ./secrets/api-keys.txt | ./secrets/api-keys.txt does not exist and is not a ./secrets/ file',
  'files | secrets.spare = { file: ./README.md } | secret spare is declared but no service uses it',
  'files | services.gateway.secrets = [connectpay_token_key, database_url] | GATEWAY_API_KEYS_FILE=/run/secrets/gateway_api_keys is neither',
  'files | services.webhook-1.environment.WEBHOOK_TOKEN_FILE = /srv/connectpay/dev-pki/t.txt | names t.txt, which the dev PKI does not hold',
  'files | services.dev-pki.environment.CONNECTPAY_DEV_PKI_DIR = /srv/connectpay | CONNECTPAY_DEV_PKI_DIR is the mount point',
  'files | services.sandbox.volumes = [] | sandbox: CONNECTPAY_DEV_PKI_DIR=/srv/connectpay/dev-pki is neither',
  "files | services.gateway.volumes = ['dev-pki:/srv/connectpay:ro', './no-such:/x'] | gateway: no bind source ./no-such",
  'files | delete volumes.postgres-data | postgres: volumes has no postgres-data',
  'files | volumes.spare = null | volume spare is declared but no service uses it',
  'files | delete services.gateway.depends_on.dev-pki | gateway: mounts the dev PKI volume dev-pki read-only but does not wait',
  `health | services.gateway.healthcheck.test = [CMD, node, -e, "fetch('http://127.0.0.1:${P.gateway}/health/readyz')"] | gateway does not serve GET /health/readyz`,
  `health | Dockerfile@webhook: 127.0.0.1:${P.webhook}/health/ready => 127.0.0.1:1/health/ready | http://127.0.0.1:1/health/ready is not a port webhook listens on`,
  `health | services.webhook-1.healthcheck.test = [CMD-SHELL, 'curl -f http://127.0.0.1:${P.webhook}/health/ready'] | webhook-1 healthcheck: must run node`,
  "health | services.webhook-1.healthcheck.test = [CMD, node, -e, 'process.exit(0)'] | names no http(s)://127.0.0.1:<port> URL",
  'health | delete services.sandbox.healthcheck | sandbox healthcheck: missing',
  // A comment does not continue: the HEALTHCHECK's CMD line becomes the stage's CMD, then the real one follows.
  'health | Dockerfile@sandbox: HEALTHCHECK => # HEALTHCHECK | Dockerfile target sandbox HEALTHCHECK: missing',
  'health | services.dev-pki.healthcheck = { test: [CMD, node, -v] } | dev-pki: a one-shot service should disable',
  'dockerfile | Dockerfile@build: COPY tools/package.json => COPY tool/package.json | : tool/package.json does not exist',
  'dockerfile | Dockerfile@build: .npmrc ./ => .npmrc .git ./ | : .dockerignore excludes .git',
  'dockerfile | Dockerfile@build: COPY apps/cert-check/package.json apps/cert-check/\n => | copies no apps/cert-check/package.json before npm ci',
  'dockerfile | Dockerfile@build: -p gateway webhook sandbox => -p gateway webhook | stage build: never builds sandbox',
  'dockerfile | Dockerfile@build: --omit=dev => | stage build: dev dependencies are never dropped',
  'dockerfile | Dockerfile@build: FROM node:20-bookworm => FROM node:22-bookworm | build stage should be node:20-bookworm, not node:22-bookworm',
  'dockerfile | Dockerfile@build: RUN npm ci => RUN npm install | stage build: the build stage never runs npm ci',
  `dockerfile | Dockerfile@gateway: ${copyDist('config')} => | target gateway: the run stage does not copy packages/config/dist`,
  `dockerfile | Dockerfile@webhook: ${copyDist('storage')} => | target webhook: the run stage does not copy packages/storage/dist`,
  `dockerfile | Dockerfile@sandbox: ${copyDist('hosts')} => ${copyDist('storage')} | target sandbox: the run stage ships packages/storage, which`,
  // Only the dev-pki step runs the test PKI generator: the sandbox image carries it for that one-shot.
  `dockerfile | Dockerfile@gateway: ${copyDist('hosts')} => ${copyDist('hosts')}${copyDist('testing-pki')} | target gateway: the run stage ships packages/testing-pki`,
  `dockerfile | Dockerfile@sandbox: ${copyDist('testing-pki')} => | target sandbox: the run stage does not copy packages/testing-pki/dist`,
  'dockerfile | services.dev-pki.command = [node, packages/testing-pki/dist/dev-pki/main.js] | runs packages/testing-pki/dist/dev-pki/main.js, which no source builds',
  `dockerfile | Dockerfile@runtime-base: USER node => ${copyDist('service-kit')}USER node | target sandbox: the run stage ships packages/service-kit`,
  'dockerfile | Dockerfile@webhook: ENV WEBHOOK_HOST=0.0.0.0 => USER root | target webhook: the run stage runs as root, not node',
  'dockerfile | Dockerfile@runtime-base: USER node\n => | target gateway: the run stage runs as root, not node',
  'dockerfile | Dockerfile@gateway: apps/gateway/dist/main.js"] => apps/gateway/dist/index.js"] | target gateway: CMD should be',
  'dockerfile | Dockerfile@runtime-base: node:20-bookworm-slim => node:20-bookworm | target webhook: the run stage should be node:20-bookworm-slim, not',
  'dockerfile | Dockerfile@sandbox: FROM runtime-base => FROM build | the run stage should be node:20-bookworm-slim, not node:20-bookworm (stage build)',
  'dockerfile | Dockerfile@runtime-base: --from=build /app/node_modules => --from=builder /app/node_modules | --from=builder is not an earlier stage',
  'context | .dockerignore: \nsecrets\n => \n | .dockerignore lets secrets/gateway-api-keys.txt into the build context',
  'context | .dockerignore: \n.dockerignore => \n.dockerignore\n**/src | keeps apps/gateway/src/main.ts, which the image build needs',
  'dependsOn | services.gateway.depends_on.redis = {} | gateway: depends on redis, which is not a service',
  'dependsOn | services.sandbox.depends_on.dev-pki.condition = service_healthy | waits for dev-pki to be healthy, which has no health check',
  'dependsOn | services.gateway.depends_on.sandbox.condition = service_completed_successfully | waits for sandbox to complete, but it is not',
  'dependsOn | services.gateway.depends_on.sandbox.condition = service_done | unknown depends_on condition service_done',
  'dependsOn | services.sandbox.depends_on = [gateway] | depends_on loops: sandbox -> gateway -> sandbox',
  `urls | services.sandbox.environment.SANDBOX_WEBHOOK_URL = http://webhook-1:${P.webhook}/webhooks/nope | webhook serves no /webhooks/nope`,
  'urls | services.gateway.environment.GATEWAY_NOTIFICATION_URL = http://webhook-2:1/x | webhook-2 does not listen on 1',
  `urls | services.gateway.environment.CONNECTPAY_LOCAL_MTLS_URL = https://webhook-1:${P.webhook} | certificates name localhost, sandbox, not webhook-1`,
  "urls | services.webhook-2.environment.WEBHOOK_STORAGE = postgres://connectpay:pw@postgres:5432/db | database db is not postgres's POSTGRES_DB",
  'urls | services.webhook-2.environment.WEBHOOK_STORAGE = postgres://app@postgres:5433/connectpay | connects as app, but the database user is connectpay',
  'urls | services.gateway.environment.GATEWAY_NOTIFICATION_URL = http://postgres:5433/connectpay | PostgreSQL listens on 5432, not 5433',
].map((line) => line.split(' | ') as [check: string, change: string, expected: string]);

describe('docker-compose.yml and the Dockerfile', () => {
  it('runs the topology DESIGN.md "Scale" describes', () => {
    const apps = Object.keys(real.compose.services).map((name) => appOf(real.compose, name));
    expect(apps.filter((app) => app === 'webhook')).toHaveLength(2);
    expect(apps).toEqual(expect.arrayContaining(['gateway', 'sandbox']));
    expect(Object.values(real.compose.services).some(isPostgres)).toBe(true);
  });

  it('reads facts from the apps, so the checks have something to compare', () => {
    const ports = (app: string) =>
      factsOf(app)
        .ports.map(({ variable, port }) => `${variable}=${port}`)
        .join(' ');
    expect(['gateway', 'webhook', 'sandbox'].map(ports)).toEqual([
      `GATEWAY_PORT=${P.gateway}`,
      `WEBHOOK_PORT=${P.webhook}`,
      `SANDBOX_MTLS_PORT=${P.sandboxMtls} SANDBOX_ONEWAY_PORT=${P.sandboxOneway}`,
    ]);
    expect(serves('gateway', '/health/ready', 'GET') && serves('webhook', '/webhooks/connectpay')).toBe(true);
    expect(factsOf('gateway').variables).toContain('CONNECTPAY_LOCAL_MTLS_URL');
    expect(factsOf('gateway').packages).toEqual(expect.arrayContaining(['config', 'transport']));
  });

  it('reads a port default named by a constant from packages/config, and refuses one it cannot read', () => {
    expect(portDefaultsIn("port('SANDBOX_ONEWAY_PORT', SANDBOX_DEFAULT_PORTS.oneway)")).toEqual([
      { variable: 'SANDBOX_ONEWAY_PORT', port: P.sandboxOneway },
    ]);
    expect(() => portDefaultsIn("port('X_PORT', SANDBOX_DEFAULT_PORTS.mtsl)")).toThrow(
      /X_PORT defaults to SANDBOX_DEFAULT_PORTS\.mtsl: neither a number nor a field of SANDBOX_DEFAULT_PORTS/,
    );
    expect(() => portDefaultsIn("port('X_PORT', Number(process.env.X))")).toThrow(/X_PORT defaults to Number/);
  });

  it('substitutes compose variables with their defaults and refuses one without', () => {
    expect(parseCompose('services: { a: { image: "x:${TAG:-1}", command: "$$HOME" } }').services['a']).toEqual({
      image: 'x:1',
      command: '$HOME',
    });
    expect(() => parseCompose('services: { a: { image: "x:${TAG}" } }')).toThrow(/uses \$\{TAG\} without a default/);
  });

  it.each(Object.keys(CHECKS))('%s: the committed files pass', (name) => {
    expect(problemsOf(name, real)).toEqual([]);
  });
});

describe('each check fails on a broken copy', () => {
  it.each(MUTATIONS)('%s: %j', (check, change, expected) => {
    const copy = structuredClone(real);
    mutate(copy, change);
    if (JSON.stringify(copy) === JSON.stringify(real)) throw new Error('this mutation changed nothing: update it.');
    expect(problemsOf(check, copy).join('\n')).toContain(expected);
  });

  it('every check has at least one broken copy', () => {
    expect(new Set(MUTATIONS.map(([check]) => check))).toEqual(new Set(Object.keys(CHECKS)));
  });
});
