// Keeps docker-compose.yml and the root Dockerfile (one target per app) true to the apps' sources
// (there is no Docker engine here: the files are parsed and checked). The same topology runs as the
// apps' processes in replica-topology.e2e.spec.ts. Every check is also fed a broken copy, so none of them can pass vacuously.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import {
  type Compose,
  type ComposeService,
  WORKSPACE_ROOT,
  appPortDefaults,
  appRoutes,
  buildOf,
  commandForm,
  dependenciesOf,
  devPkiLayout,
  dockerfilePath,
  environmentOf,
  healthcheckOf,
  parseCompose,
  parseCopy,
  parseDockerfile,
  parseMount,
  parsePort,
  portDefaultsIn,
  runStage,
  runtimeWorkspacePackages,
  secretTarget,
  secretsOf,
  serviceApp,
  stageChain,
  variablesRead,
  type CommandForm,
  type Dockerfile,
  type DockerStage,
  type RunImage,
} from './compose-model.mjs';

/** What the checks read; the mutation tests hand them altered copies. */
interface Input {
  readonly compose: Compose;
  /** The root Dockerfile's text: a build stage and one target per app. */
  dockerfile: string;
  dockerignore: string;
  /** The root README: where users are told which ./secrets/ files to fill. */
  readonly readme: string;
}

type Check = (input: Input) => string[];

const read = (path: string) => readFileSync(join(WORKSPACE_ROOT, path), 'utf8');

function realInput(): Input {
  return {
    compose: parseCompose(read('docker-compose.yml')),
    dockerfile: read('Dockerfile'),
    dockerignore: read('.dockerignore'),
    readme: read('README.md'),
  };
}

// Read by Node or a library, not by our code: allowed in an app's environment.
const PLATFORM_VARIABLES = new Set(['NODE_ENV']);
// The postgres image's documented variables (https://hub.docker.com/_/postgres).
const POSTGRES_IMAGE_VARIABLES = new Set([
  'POSTGRES_USER',
  'POSTGRES_PASSWORD',
  'POSTGRES_PASSWORD_FILE',
  'POSTGRES_DB',
  'POSTGRES_INITDB_ARGS',
  'PGDATA',
]);

// What each app's sources say, read once (the mutations alter the files, never the apps).
const facts = new Map<
  string,
  {
    ports: { variable: string; port: number }[];
    routes: { method: string; path: string }[];
    variables: Set<string>;
    packages: string[];
  }
>();
function factsOf(app: string) {
  let found = facts.get(app);
  if (!found) {
    found = {
      ports: appPortDefaults(app),
      routes: appRoutes(app),
      variables: variablesRead(app),
      packages: runtimeWorkspacePackages(app),
    };
    facts.set(app, found);
  }
  return found;
}

function appServices(input: Input): [name: string, service: ComposeService, app: string][] {
  return Object.entries(input.compose.services).flatMap(([name, service]) => {
    const app = serviceApp(input.compose, name);
    return app === undefined ? [] : [[name, service, app] as [string, ComposeService, string]];
  });
}

/**
 * The image of an app's target; undefined when the Dockerfile cannot be read or has no such target
 * (checkBuilds and checkDockerfiles say which).
 */
function imageOf(input: Input, app: string): RunImage | undefined {
  try {
    return runStage(parseDockerfile(input.dockerfile), app);
  } catch {
    return undefined;
  }
}

function stageNames(input: Input): string[] | undefined {
  try {
    return parseDockerfile(input.dockerfile).stages.flatMap((stage) => stage.name ?? []);
  } catch {
    return undefined;
  }
}

const isPostgresImage = (service: ComposeService) => /^postgres(:|$)/.test(service.image ?? '');
const isOneShot = (service: ComposeService) => service.restart === 'no' && service.command !== undefined;
const commandText = (command: CommandForm) => command.shell ?? (command.argv ?? []).join(' ');

function serves(app: string, path: string, method?: string): boolean {
  const pattern = (route: string) => new RegExp(`^${route.replace(/:[^/]+/g, '[^/]+')}$`);
  return factsOf(app).routes.some(
    (route) =>
      pattern(route.path).test(path) && (method === undefined || route.method === method || route.method === 'ANY'),
  );
}

// ---------------------------------------------------------------------------------------------------
// The checks

/** Every service builds its app's target of the root Dockerfile, or runs a pinned public image. */
const checkBuilds: Check = (input) => {
  const { compose } = input;
  const problems: string[] = [];
  const stages = stageNames(input);
  for (const [name, service] of Object.entries(compose.services)) {
    const build = buildOf(service);
    if (build) {
      const context = join(WORKSPACE_ROOT, build.context);
      const dockerfile = join(context, build.dockerfile);
      if (!existsSync(context)) problems.push(`${name}: build context ${build.context} does not exist.`);
      if (!existsSync(dockerfile))
        problems.push(`${name}: ${build.dockerfile} does not exist in the build context ${build.context}.`);
      const path = dockerfilePath(build);
      if (posix.normalize(build.context) !== '.') {
        problems.push(
          `${name}: build context ${build.context} is not the repository root; the Dockerfile copies paths relative to it (context: .).`,
        );
      }
      if (path !== 'Dockerfile') {
        problems.push(
          `${name}: builds from ${path}; the apps' images build from the root Dockerfile (build: { context: ., dockerfile: Dockerfile, target: <app> }).`,
        );
      } else if (build.target === undefined) {
        problems.push(
          `${name}: names no build target, so docker would build the Dockerfile's last stage; set target to its app.`,
        );
      } else if (stages !== undefined && !stages.includes(build.target)) {
        problems.push(`${name}: the Dockerfile has no stage ${build.target} (its stages: ${stages.join(', ')}).`);
      } else if (serviceApp(compose, name) === undefined) {
        problems.push(
          `${name}: target ${build.target} is not an app (apps/${build.target}/package.json does not exist).`,
        );
      }
    } else if (service.image === undefined) {
      problems.push(`${name}: neither build nor image.`);
    } else if (serviceApp(compose, name) === undefined && !/:[\w][\w.-]*$/.test(service.image)) {
      problems.push(`${name}: pin ${service.image} to a tag.`);
    } else if (service.image.endsWith(':latest')) {
      problems.push(`${name}: pin ${service.image} to a version, not latest.`);
    }
  }
  return problems;
};

/** Published ports are the ports the app listens on by default (read from its sources), each once. */
const checkPorts: Check = (input) => {
  const problems: string[] = [];
  const hostPorts = new Map<string, string>();
  for (const [name, service] of Object.entries(input.compose.services)) {
    for (const entry of service.ports ?? []) {
      const { hostIp, published } = parsePort(entry);
      if (published === undefined) continue;
      const key = `${hostIp ?? '0.0.0.0'}:${published}`;
      if (hostPorts.has(key)) problems.push(`${name}: host port ${key} is also published by ${hostPorts.get(key)}.`);
      hostPorts.set(key, name);
    }
  }
  for (const [name, service, app] of appServices(input)) {
    const defaults = factsOf(app).ports;
    const listening = new Set(defaults.map((p) => p.port));
    if (defaults.length === 0) problems.push(`${name}: no default port found in apps/${app}/src.`);
    const environment = environmentOf(service);
    for (const { variable, port } of defaults) {
      if (environment[variable] !== undefined && Number(environment[variable]) !== port) {
        problems.push(`${name}: ${variable}=${environment[variable]} moves ${app} off its default port ${port}.`);
      }
    }
    for (const entry of service.ports ?? []) {
      const { target } = parsePort(entry);
      if (!listening.has(target)) {
        problems.push(
          `${name}: publishes container port ${target}, but ${app} listens on ${[...listening].join(', ')}.`,
        );
      }
    }
    const image = imageOf(input, app);
    const exposed = [...new Set(image?.expose ?? [])].sort();
    if (exposed.join(',') !== [...listening].sort().join(',')) {
      problems.push(
        `Dockerfile target ${app}: EXPOSE ${exposed.join(' ')} differs from ${app}'s ports ${[...listening].join(' ')}.`,
      );
    }
  }
  return problems;
};

/** Every variable set for an app (compose or image ENV) is one its code, or its packages' code, reads. */
const checkEnvironment: Check = (input) => {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(input.compose.services)) {
    const app = serviceApp(input.compose, name);
    const known =
      app !== undefined ? factsOf(app).variables : isPostgresImage(service) ? POSTGRES_IMAGE_VARIABLES : undefined;
    if (known === undefined) {
      problems.push(`${name}: runs ${service.image ?? 'no image'}, whose variables this test does not know.`);
      continue;
    }
    const fromImage = app !== undefined ? Object.keys(imageOf(input, app)?.env ?? {}) : [];
    for (const variable of new Set([...Object.keys(environmentOf(service)), ...fromImage])) {
      if (!known.has(variable) && !PLATFORM_VARIABLES.has(variable)) {
        problems.push(`${name}: sets ${variable}, which ${app ?? service.image} never reads.`);
      }
    }
  }
  return problems;
};

/**
 * Secrets and volumes are declared and exist (or are the ./secrets/ files users fill); every path a
 * variable names is a granted secret or lies in a mounted volume; dev PKI paths name its real files.
 */
const checkFiles: Check = (input) => {
  const { compose } = input;
  const problems: string[] = [];
  const layout = devPkiLayout();
  const declaredSecrets = compose.secrets ?? {};
  const declaredVolumes = compose.volumes ?? {};
  const usedSecrets = new Set<string>();
  const usedVolumes = new Set<string>();
  for (const [name, service] of Object.entries(compose.services)) {
    const mounts = (service.volumes ?? []).map(parseMount);
    for (const mount of mounts) {
      if (mount.type === 'bind' && !existsSync(join(WORKSPACE_ROOT, mount.source ?? ''))) {
        problems.push(`${name}: bind mount source ${mount.source} does not exist.`);
      } else if (mount.type === 'volume' && mount.source !== undefined) {
        usedVolumes.add(mount.source);
        if (!Object.hasOwn(declaredVolumes, mount.source))
          problems.push(`${name}: volume ${mount.source} is not declared.`);
      }
    }
    const granted = secretsOf(service).map((secret) => {
      usedSecrets.add(secret);
      if (!Object.hasOwn(declaredSecrets, secret)) problems.push(`${name}: secret ${secret} is not declared.`);
      return secretTarget(service, secret);
    });
    const app = serviceApp(compose, name);
    const environment = { ...(app ? imageOf(input, app)?.env : {}), ...environmentOf(service) };
    const inMount = (path: string) => mounts.find((m) => path === m.target || path.startsWith(`${m.target}/`));
    for (const [variable, value] of Object.entries(environment)) {
      const isPath = value.startsWith('/') || /_(FILE|DIR)$/.test(variable);
      if (!isPath || granted.includes(value) || inMount(value)) continue;
      problems.push(`${name}: ${variable}=${value} is neither a secret it is granted nor inside a volume it mounts.`);
    }
    const devPkiDir = environment['CONNECTPAY_DEV_PKI_DIR'];
    if (devPkiDir === undefined) continue;
    const mount = inMount(devPkiDir);
    if (mount?.target === devPkiDir) {
      problems.push(
        `${name}: CONNECTPAY_DEV_PKI_DIR is the mount point ${devPkiDir}; ensureDevPki renames a sibling folder into place, so use a folder inside the volume.`,
      );
    }
    for (const [variable, value] of Object.entries(environment)) {
      if (!value.startsWith(`${devPkiDir}/`)) continue;
      const file = value.slice(devPkiDir.length + 1);
      if (!layout.files.includes(file))
        problems.push(`${name}: ${variable} names ${file}, which the dev PKI does not hold.`);
    }
    if (mount?.readOnly) {
      // Read-only readers need a writer that has finished: the one-shot that mounts the volume read-write.
      const writers = Object.entries(dependenciesOf(service)).filter(([dependency, condition]) => {
        const other = compose.services[dependency];
        return (
          condition === 'service_completed_successfully' &&
          other !== undefined &&
          (other.volumes ?? []).map(parseMount).some((m) => m.source === mount.source && !m.readOnly)
        );
      });
      if (writers.length === 0) {
        problems.push(
          `${name}: mounts the dev PKI volume ${mount.source} read-only but does not wait (service_completed_successfully) for a service that writes it.`,
        );
      }
    }
  }
  for (const [secret, definition] of Object.entries(declaredSecrets)) {
    if (!usedSecrets.has(secret)) problems.push(`secret ${secret} is declared but no service uses it.`);
    if (definition.file !== undefined) {
      const file = posix.normalize(definition.file);
      const userFilled = file.startsWith('secrets/') && input.readme.includes(file);
      if (!existsSync(join(WORKSPACE_ROOT, file)) && !userFilled) {
        problems.push(
          `secret ${secret}: ${definition.file} does not exist and is not a ./secrets/ file README.md tells users to fill.`,
        );
      }
    } else if (!definition.external && definition.environment === undefined) {
      problems.push(`secret ${secret} has no file, environment or external source.`);
    }
  }
  for (const volume of Object.keys(declaredVolumes)) {
    if (!usedVolumes.has(volume)) problems.push(`volume ${volume} is declared but no service mounts it.`);
  }
  return problems;
};

/** Health checks use node (the slim image has no curl) and call a path the app serves, on its port. */
const checkHealth: Check = (input) => {
  const problems: string[] = [];
  for (const [name, service, app] of appServices(input)) {
    const checks: [string, CommandForm | undefined][] = [[`${name} healthcheck`, healthcheckOf(service)]];
    if (isOneShot(service)) {
      if (checks[0]?.[1] !== undefined)
        problems.push(`${name}: a one-shot service should disable the image's health check.`);
      continue;
    }
    checks.push([`Dockerfile target ${app} HEALTHCHECK`, imageOf(input, app)?.healthcheck]);
    for (const [where, check] of checks) {
      if (check === undefined) {
        problems.push(`${where}: missing.`);
        continue;
      }
      const text = commandText(check);
      if (check.argv?.[0] !== 'node') problems.push(`${where}: must run node (the slim image has no curl or wget).`);
      const urls = [...text.matchAll(/\b(https?):\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/[^'"\s)]*)?/g)];
      if (urls.length === 0) problems.push(`${where}: names no http(s)://127.0.0.1:<port> URL.`);
      for (const [url, scheme, port, path] of urls) {
        if (!factsOf(app).ports.some((p) => p.port === Number(port))) {
          problems.push(`${where}: ${url} is not a port ${app} listens on.`);
        }
        if (path === undefined && scheme === 'http') problems.push(`${where}: ${url} names no path.`);
        if (path !== undefined && !serves(app, path, 'GET'))
          problems.push(`${where}: ${app} does not serve GET ${path}.`);
      }
    }
  }
  return problems;
};

/** Matches .dockerignore the way the builder does: root-relative globs, `**`, `!` exceptions, folders cover their contents. */
function dockerIgnored(dockerignore: string, path: string): boolean {
  let ignored = false;
  for (const raw of dockerignore.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = posix.normalize((negated ? line.slice(1) : line).replace(/^\/+/, ''));
    const source = pattern
      .split('/')
      .map((part) =>
        part === '**'
          ? '(?:.*)'
          : part
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
      )
      .join('/')
      .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
    const regex = new RegExp(`^${source}(?:/.*)?$`);
    if (regex.test(posix.normalize(path))) ignored = !negated;
  }
  return ignored;
}

/**
 * Workspace packages the services on an app's image run by their own command (`node
 * packages/<name>/dist/<file>.js`), such as the dev-pki one-shot's testing-pki: the image must carry
 * them although the app never imports them. A command naming a file that no source builds is a problem.
 */
function commandPackages(input: Input, app: string): { packages: string[]; problems: string[] } {
  const packages = new Set<string>();
  const problems: string[] = [];
  for (const [name, service, serviceApp] of appServices(input)) {
    if (serviceApp !== app || service.command === undefined) continue;
    const command = commandForm(service.command);
    for (const part of command?.argv ?? command?.shell?.split(/\s+/) ?? []) {
      const match = /^(?:\.\/)?packages\/([a-z0-9-]+)\/dist\/(.+)\.js$/.exec(part);
      if (!match) continue;
      const [, runs = '', file = ''] = match;
      const source = `packages/${runs}/src/${file}.ts`;
      if (!existsSync(join(WORKSPACE_ROOT, source)))
        problems.push(`${name}: runs ${part}, which no source builds (${source} does not exist).`);
      packages.add(runs);
    }
  }
  return { packages: [...packages], problems };
}

/**
 * Whether a RUN line builds the app: `nx run <app>:build`, or `nx run-many` with the build target and
 * the app among its projects (every project when it names none).
 */
function buildsApp(command: string, app: string): boolean {
  if (new RegExp(`\\bnx run ${app}:build\\b`).test(command)) return true;
  const runMany = /\bnx run-many\b(.*)/.exec(command);
  if (!runMany) return false;
  const targets: string[] = [];
  const projects: string[] = [];
  let projectsNamed = false;
  let list: string[] | undefined;
  // Up to the end of this command: `nx run-many … && npm prune` names no more projects.
  const args = (runMany[1] ?? '').split(/&&|\|\||;|\|/)[0]!.trim();
  for (const token of args.split(/\s+/)) {
    if (token.startsWith('-')) {
      const [flag = '', inline] = token.split('=', 2);
      list = ['-t', '--target', '--targets'].includes(flag)
        ? targets
        : ['-p', '--projects'].includes(flag)
          ? projects
          : undefined;
      if (list === projects) projectsNamed = true;
      if (inline !== undefined) list?.push(...inline.split(','));
    } else {
      list?.push(...token.split(','));
    }
  }
  return targets.includes('build') && (!projectsNamed || projects.includes(app));
}

/** The build stage a target copies from: npm ci with every manifest, builds the app, drops dev dependencies. */
function buildStageProblems(build: DockerStage, app: string, workspaces: string[]): string[] {
  const where = `Dockerfile stage ${build.name ?? `at line ${build.line}`}`;
  const problems: string[] = [];
  if (build.image !== 'node:20-bookworm')
    problems.push(`${where}: the build stage should be node:20-bookworm, not ${build.image}.`);
  const runs = build.instructions.filter((i) => i.keyword === 'RUN');
  const ci = runs.find((i) => /\bnpm ci\b/.test(i.value));
  if (!ci) problems.push(`${where}: the build stage never runs npm ci.`);
  else {
    const before = build.instructions
      .filter((i) => i.keyword === 'COPY' && i.line < ci.line)
      .flatMap((i) => parseCopy(i.value).sources.map((s) => posix.normalize(s)));
    for (const workspace of workspaces) {
      if (!before.includes(`${workspace}/package.json`)) {
        problems.push(
          `${where}: copies no ${workspace}/package.json before npm ci, so npm ci fails against the lockfile.`,
        );
      }
    }
  }
  if (!runs.some((i) => buildsApp(i.value, app))) {
    problems.push(
      `${where}: never builds ${app} (nx run ${app}:build, or nx run-many -t build -p … ${app}), whose dist target ${app} copies.`,
    );
  }
  if (!runs.some((i) => /--omit=dev\b/.test(i.value)))
    problems.push(`${where}: dev dependencies are never dropped (--omit=dev).`);
  return problems;
}

/**
 * The one multi-stage Dockerfile: every COPY source exists and reaches the builder; each app's target
 * starts from the slim image, copies from the build stage exactly the dist of the workspace packages the
 * app imports (in its own stage or a stage it is built FROM, such as runtime-base), and runs as node.
 */
const checkDockerfiles: Check = (input) => {
  // A Set: a problem of the shared build stage would otherwise be reported once per target.
  const problems = new Set<string>();
  let parsed: Dockerfile;
  try {
    parsed = parseDockerfile(input.dockerfile);
  } catch (error) {
    return [`Dockerfile: ${(error as Error).message}`];
  }
  const { stages } = parsed;
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, unknown> };
  const workspaces = Object.keys(lock.packages).filter((key) => key !== '' && !key.includes('node_modules'));

  const stagesSoFar = new Set<string>();
  for (const stage of stages) {
    for (const { keyword, value, line } of stage.instructions) {
      if (keyword !== 'COPY' && keyword !== 'ADD') continue;
      const { flags, sources } = parseCopy(value);
      const from = flags['from'];
      if (from !== undefined) {
        if (!stagesSoFar.has(from)) problems.add(`Dockerfile:${line}: --from=${from} is not an earlier stage.`);
        continue;
      }
      for (const source of sources) {
        const relative = posix.normalize(source).replace(/\/$/, '');
        if (!existsSync(join(WORKSPACE_ROOT, relative)))
          problems.add(`Dockerfile:${line}: COPY source ${source} does not exist.`);
        else if (relative !== '.' && dockerIgnored(input.dockerignore, relative)) {
          problems.add(`Dockerfile:${line}: COPY source ${source} is excluded by .dockerignore.`);
        }
      }
    }
    if (stage.name) stagesSoFar.add(stage.name);
  }

  const apps = [...new Set(appServices(input).map(([, , app]) => app))];
  for (const app of apps) {
    const where = `Dockerfile target ${app}`;
    let chain: DockerStage[];
    try {
      chain = stageChain(parsed, app);
    } catch (error) {
      problems.add(`${where}: ${(error as Error).message}`);
      continue;
    }
    const base = chain[0]!;
    if (base.image !== 'node:20-bookworm-slim') {
      problems.add(
        `${where}: the run stage should be node:20-bookworm-slim, not ${base.image} (stage ${base.name ?? `at line ${base.line}`}).`,
      );
    }
    const fromStages = chain.flatMap((stage) =>
      stage.instructions
        .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
        .map((i) => parseCopy(i.value))
        .filter((copy) => copy.flags['from'] !== undefined),
    );
    const builders = [...new Set(fromStages.map((copy) => copy.flags['from']))];
    if (builders.length !== 1) {
      problems.add(
        `${where}: copies from ${builders.join(' and ') || 'no stage'}; it should copy from one build stage.`,
      );
    }
    const build = builders.length === 1 ? stages.find((stage) => stage.name === builders[0]) : undefined;
    if (build) for (const problem of buildStageProblems(build, app, workspaces)) problems.add(problem);

    const copiedFromBuild = fromStages.flatMap((copy) =>
      copy.sources.map((s) => s.replace(/^\/app\//, '').replace(/\/$/, '')),
    );
    const run = commandPackages(input, app);
    for (const problem of run.problems) problems.add(problem);
    const packages = [...new Set([...factsOf(app).packages, ...run.packages])];
    const required = [
      'package.json',
      'node_modules',
      `apps/${app}/package.json`,
      `apps/${app}/dist`,
      ...packages.flatMap((name) => [`packages/${name}/package.json`, `packages/${name}/dist`]),
    ];
    for (const path of required) {
      if (!copiedFromBuild.includes(path))
        problems.add(`${where}: the run stage does not copy ${path} from the build.`);
    }
    for (const path of copiedFromBuild) {
      const shipped = /^packages\/([a-z0-9-]+)\//.exec(path)?.[1];
      if (shipped !== undefined && !packages.includes(shipped)) {
        problems.add(
          `${where}: the run stage ships packages/${shipped}, which ${app} never imports and no command of its services runs.`,
        );
      }
    }
    const image = runStage(parsed, app);
    if (image.user !== 'node') problems.add(`${where}: the run stage runs as ${image.user ?? 'root'}, not node.`);
    const main = `apps/${app}/dist/main.js`;
    if (image.cmd?.argv?.join(' ') !== `node ${main}`) problems.add(`${where}: CMD should be ["node", "${main}"].`);
    if (!existsSync(join(WORKSPACE_ROOT, `apps/${app}/src/main.ts`)))
      problems.add(`${where}: apps/${app}/src/main.ts does not exist.`);
  }
  return [...problems];
};

// Sample paths standing for what must never reach an image layer: dependencies and builds made on the
// host, generated keys, users' secrets, local state.
const NEVER_IN_CONTEXT = [
  '.git/HEAD',
  'node_modules/yaml/package.json',
  'packages/config/node_modules/x/package.json',
  'apps/gateway/dist/main.js',
  '.dev-pki/client.key',
  'apps/gateway/.dev-pki/client.key',
  'secrets/gateway-api-keys.txt',
  '.env',
  '.env.prod',
  '.data/connectpay.sqlite',
];

/** The build context keeps out host builds and secrets, and keeps in everything `COPY . .` + nx build need. */
const checkBuildContext: Check = (input) => {
  const problems: string[] = [];
  for (const path of NEVER_IN_CONTEXT) {
    if (!dockerIgnored(input.dockerignore, path)) problems.push(`.dockerignore lets ${path} into the build context.`);
  }
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, unknown> };
  const workspaces = Object.keys(lock.packages).filter((key) => key !== '' && !key.includes('node_modules'));
  const needed = [
    'package.json',
    'package-lock.json',
    '.npmrc',
    'nx.json',
    'tsconfig.base.json',
    ...workspaces.flatMap((workspace) =>
      ['package.json', 'tsconfig.json', 'tsconfig.lib.json', 'src/index.ts', 'src/main.ts']
        .map((file) => `${workspace}/${file}`)
        .filter((file) => existsSync(join(WORKSPACE_ROOT, file))),
    ),
  ];
  for (const path of needed) {
    if (dockerIgnored(input.dockerignore, path))
      problems.push(`.dockerignore keeps ${path}, which the image build needs, out of the context.`);
  }
  return problems;
};

/** Dependencies exist, can be met (a health check to wait for, a one-shot to finish) and do not loop. */
const checkDependencies: Check = (input) => {
  const { compose } = input;
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [dependency, condition] of Object.entries(dependenciesOf(service))) {
      const target = compose.services[dependency];
      if (target === undefined) {
        problems.push(`${name}: depends on ${dependency}, which is not a service.`);
        continue;
      }
      if (condition === 'service_healthy') {
        const app = serviceApp(compose, dependency);
        const imageCheck =
          app !== undefined && target.healthcheck?.disable !== true ? imageOf(input, app)?.healthcheck : undefined;
        if (!healthcheckOf(target) && !imageCheck)
          problems.push(`${name}: waits for ${dependency} to be healthy, which has no health check.`);
      } else if (condition === 'service_completed_successfully') {
        if (!isOneShot(target))
          problems.push(
            `${name}: waits for ${dependency} to complete, but it is not a one-shot (restart "no" and a command).`,
          );
      } else if (condition !== 'service_started') {
        problems.push(`${name}: unknown depends_on condition ${condition}.`);
      }
    }
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (done.has(name) || compose.services[name] === undefined) return;
    if (visiting.has(name)) {
      problems.push(`depends_on loops: ${[...path, name].join(' -> ')}.`);
      return;
    }
    visiting.add(name);
    for (const dependency of Object.keys(dependenciesOf(compose.services[name] as ComposeService)))
      visit(dependency, [...path, name]);
    visiting.delete(name);
    done.add(name);
  };
  for (const name of Object.keys(compose.services)) visit(name, []);
  return problems;
};

/** A URL naming another service hits a port it listens on, a path it serves, a TLS name its certificate holds. */
const checkServiceUrls: Check = (input) => {
  const { compose } = input;
  const problems: string[] = [];
  const { serverNames } = devPkiLayout();
  const url = /\b([a-z][a-z0-9+.-]*):\/\/(?:([^@/\s:]*)(?::([^@/\s]*))?@)?([a-z0-9][a-z0-9-]*):(\d+)(\/[^\s'"]*)?/gi;
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [variable, value] of Object.entries(environmentOf(service))) {
      for (const [whole, scheme = '', user, password, host = '', port, path] of value.matchAll(url)) {
        const target = compose.services[host];
        if (target === undefined) continue;
        const where = `${name}: ${variable}`;
        const app = serviceApp(compose, host);
        if (app !== undefined) {
          if (!factsOf(app).ports.some((p) => p.port === Number(port)))
            problems.push(`${where}: ${host} does not listen on ${port}.`);
          if (path !== undefined && path !== '/' && !serves(app, path))
            problems.push(`${where}: ${app} serves no ${path}.`);
          if (scheme === 'https' && !serverNames.includes(host)) {
            problems.push(
              `${where}: the dev PKI's server certificates name ${serverNames.join(', ')}, not ${host}: TLS verification would fail.`,
            );
          }
        } else if (isPostgresImage(target)) {
          const database = environmentOf(target);
          const expectedUser = database['POSTGRES_USER'] ?? 'postgres';
          if (Number(port) !== 5432) problems.push(`${where}: PostgreSQL listens on 5432, not ${port}.`);
          if (user !== expectedUser)
            problems.push(`${where}: connects as ${user ?? '(nobody)'}, but the database user is ${expectedUser}.`);
          if (password !== database['POSTGRES_PASSWORD'])
            problems.push(`${where}: the password differs from ${host}'s POSTGRES_PASSWORD.`);
          if (path?.slice(1) !== (database['POSTGRES_DB'] ?? expectedUser)) {
            problems.push(`${where}: database ${path?.slice(1) ?? '(none)'} is not ${host}'s POSTGRES_DB.`);
          }
        } else {
          problems.push(`${where}: ${whole} names ${host}, which this test cannot check.`);
        }
      }
    }
  }
  return problems;
};

const CHECKS: [string, Check][] = [
  ['builds', checkBuilds],
  ['ports', checkPorts],
  ['environment', checkEnvironment],
  ['files, secrets and volumes', checkFiles],
  ['health checks', checkHealth],
  ['Dockerfile', checkDockerfiles],
  ['build context', checkBuildContext],
  ['depends_on', checkDependencies],
  ['service URLs', checkServiceUrls],
];

// ---------------------------------------------------------------------------------------------------
// Broken copies

const real = realInput();

function service(input: Input, name: string): ComposeService {
  const found = input.compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}: update this mutation.`);
  return found;
}

function env(input: Input, name: string): Record<string, string> {
  const target = service(input, name);
  target.environment = environmentOf(target);
  return target.environment as Record<string, string>;
}

/** A copy of the real input with one change; throws when the change finds nothing to change. */
function broken(change: (input: Input) => void): Input {
  const copy: Input = structuredClone(real);
  change(copy);
  if (JSON.stringify(copy) === JSON.stringify(real)) throw new Error('this mutation changed nothing: update it.');
  return copy;
}

/** Replaces text in one stage of the Dockerfile (its FROM line up to the next): a mutation hits the stage it names. */
function replaceIn(input: Input, stage: string, from: string | RegExp, to: string): void {
  const text = input.dockerfile;
  const starts = [...text.matchAll(/^FROM\s.*$/gim)].map((match) => ({
    at: match.index,
    name: /\sAS\s+(\S+)\s*$/i.exec(match[0])?.[1],
  }));
  const index = starts.findIndex((start) => start.name === stage);
  if (index === -1) throw new Error(`the Dockerfile has no stage ${stage}: update this mutation.`);
  const begin = starts[index]!.at;
  const end = starts[index + 1]?.at ?? text.length;
  const section = text.slice(begin, end);
  if (!(typeof from === 'string' ? section.includes(from) : from.test(section))) {
    throw new Error(`the Dockerfile's stage ${stage} no longer contains ${String(from)}: update this mutation.`);
  }
  input.dockerfile = text.slice(0, begin) + section.replace(from, to) + text.slice(end);
}

const MUTATIONS: [title: string, check: Check, change: (input: Input) => void, expected: RegExp][] = [
  [
    'a Dockerfile path that does not exist',
    checkBuilds,
    (i) => void (service(i, 'gateway').build = { context: '.', dockerfile: 'Dockerfil', target: 'gateway' }),
    /gateway: Dockerfil does not exist in the build context \./,
  ],
  [
    'an app built from another Dockerfile',
    checkBuilds,
    (i) =>
      void (service(i, 'gateway').build = { context: '.', dockerfile: 'apps/gateway/Dockerfile', target: 'gateway' }),
    /gateway: builds from apps\/gateway\/Dockerfile; the apps' images build from the root Dockerfile/,
  ],
  [
    'a build context other than the repository root',
    checkBuilds,
    (i) =>
      void (service(i, 'gateway').build = {
        context: 'apps/gateway',
        dockerfile: '../../Dockerfile',
        target: 'gateway',
      }),
    /gateway: build context apps\/gateway is not the repository root/,
  ],
  [
    'a build without a target',
    checkBuilds,
    (i) => void (service(i, 'gateway').build = { context: '.', dockerfile: 'Dockerfile' }),
    /gateway: names no build target/,
  ],
  [
    'a target the Dockerfile lacks',
    checkBuilds,
    (i) => void (service(i, 'webhook-1').build = { context: '.', dockerfile: 'Dockerfile', target: 'webhok' }),
    /webhook-1: the Dockerfile has no stage webhok/,
  ],
  [
    'a target that is not an app',
    checkBuilds,
    (i) => void (service(i, 'gateway').build = { context: '.', dockerfile: 'Dockerfile', target: 'runtime-base' }),
    /gateway: target runtime-base is not an app/,
  ],
  [
    'an unpinned public image',
    checkBuilds,
    (i) => void (service(i, 'postgres').image = 'postgres'),
    /pin postgres to a tag/,
  ],
  [
    'a published port the app does not listen on',
    checkPorts,
    (i) => void (service(i, 'gateway').ports = ['127.0.0.1:3000:3001']),
    /publishes container port 3001, but gateway listens on 3000/,
  ],
  [
    // The sandbox's ports are read from packages/config's SANDBOX_DEFAULT_PORTS, not from its own
    // sources. 3000 is the gateway's port, which a renamed template cannot give the sandbox as well.
    'a published port the sandbox does not listen on',
    checkPorts,
    (i) => void (service(i, 'sandbox').ports = ['127.0.0.1:8443:3000', '127.0.0.1:8444:8444']),
    /publishes container port 3000, but sandbox listens on 8443, 8444/,
  ],
  [
    'two services on one host port',
    checkPorts,
    (i) => void (service(i, 'webhook-2').ports = ['127.0.0.1:3001:3001']),
    /host port 127.0.0.1:3001 is also published by webhook-1/,
  ],
  [
    'a port variable that moves the app',
    checkPorts,
    // Port 1 can never be a default, whatever ports a renamed template picked.
    (i) => void (env(i, 'gateway')['GATEWAY_PORT'] = '1'),
    /GATEWAY_PORT=1 moves gateway off its default port 3000/,
  ],
  [
    'an EXPOSE that is not the app port',
    checkPorts,
    (i) => replaceIn(i, 'webhook', 'EXPOSE 3001', 'EXPOSE 3000'),
    /EXPOSE 3000 differs from webhook's ports 3001/,
  ],
  [
    'a misspelt variable',
    checkEnvironment,
    (i) => void (env(i, 'gateway')['GATEWAY_STORGE'] = 'postgres://x'),
    /gateway: sets GATEWAY_STORGE, which gateway never reads/,
  ],
  [
    "another app's variable",
    checkEnvironment,
    (i) => void (env(i, 'sandbox')['GATEWAY_HOST'] = '0.0.0.0'),
    /sandbox: sets GATEWAY_HOST, which sandbox never reads/,
  ],
  [
    'a variable in the image ENV nobody reads',
    checkEnvironment,
    (i) => replaceIn(i, 'webhook', 'ENV WEBHOOK_HOST=0.0.0.0', 'ENV WEBHOOK_HOST=0.0.0.0 WEBHOOK_LISTEN=0.0.0.0'),
    /webhook-1: sets WEBHOOK_LISTEN/,
  ],
  [
    'a variable in the shared run stage one app never reads',
    checkEnvironment,
    (i) => replaceIn(i, 'runtime-base', 'ENV NODE_ENV=production', 'ENV NODE_ENV=production GATEWAY_HOST=0.0.0.0'),
    /sandbox: sets GATEWAY_HOST, which sandbox never reads/,
  ],
  [
    'an unknown postgres image variable',
    checkEnvironment,
    (i) => void (env(i, 'postgres')['POSTGRES_PASS'] = 'x'),
    /postgres: sets POSTGRES_PASS/,
  ],
  [
    'an undeclared secret',
    checkFiles,
    (i) => void delete i.compose.secrets?.['gateway_api_keys'],
    /gateway: secret gateway_api_keys is not declared/,
  ],
  [
    'a secret file nobody is told to fill',
    checkFiles,
    (i) => void (i.compose.secrets!['gateway_api_keys'] = { file: './secrets/api-keys.txt' }),
    /secrets\/api-keys.txt does not exist/,
  ],
  [
    'a _FILE variable pointing at a secret the service is not granted',
    checkFiles,
    (i) => void (service(i, 'gateway').secrets = ['connectpay_token_key']),
    /GATEWAY_API_KEYS_FILE=\/run\/secrets\/gateway_api_keys is neither a secret/,
  ],
  [
    'a dev PKI file that does not exist',
    checkFiles,
    (i) => void (env(i, 'webhook-1')['WEBHOOK_TOKEN_FILE'] = '/srv/connectpay/dev-pki/webhook_token.txt'),
    /names webhook_token.txt, which the dev PKI does not hold/,
  ],
  [
    'the dev PKI folder as the mount point',
    checkFiles,
    (i) => void (env(i, 'dev-pki')['CONNECTPAY_DEV_PKI_DIR'] = '/srv/connectpay'),
    /CONNECTPAY_DEV_PKI_DIR is the mount point/,
  ],
  [
    'a path outside every mount',
    checkFiles,
    (i) => void (service(i, 'sandbox').volumes = []),
    /sandbox: CONNECTPAY_DEV_PKI_DIR=\/srv\/connectpay\/dev-pki is neither/,
  ],
  [
    'an undeclared volume',
    checkFiles,
    (i) => void delete i.compose.volumes?.['postgres-data'],
    /postgres: volume postgres-data is not declared/,
  ],
  [
    'a reader that does not wait for the dev PKI',
    checkFiles,
    (i) => void (service(i, 'gateway').depends_on = { postgres: { condition: 'service_healthy' } }),
    /gateway: mounts the dev PKI volume dev-pki read-only but does not wait/,
  ],
  [
    'a health path the app does not serve',
    checkHealth,
    (i) =>
      void (service(i, 'gateway').healthcheck!.test = [
        'CMD',
        'node',
        '-e',
        "fetch('http://127.0.0.1:3000/health/readyz')",
      ]),
    /gateway does not serve GET \/health\/readyz/,
  ],
  [
    "a health check on another app's port",
    checkHealth,
    (i) => replaceIn(i, 'webhook', '127.0.0.1:3001/health/ready', '127.0.0.1:3000/health/ready'),
    /http:\/\/127.0.0.1:3000\/health\/ready is not a port webhook listens on/,
  ],
  [
    'a health check with curl',
    checkHealth,
    (i) =>
      void (service(i, 'webhook-1').healthcheck!.test = ['CMD-SHELL', 'curl -f http://127.0.0.1:3001/health/ready']),
    /must run node/,
  ],
  [
    'an app without a health check',
    checkHealth,
    (i) => void delete service(i, 'sandbox').healthcheck,
    /sandbox healthcheck: missing/,
  ],
  [
    'a COPY source that does not exist',
    checkDockerfiles,
    (i) => replaceIn(i, 'build', 'COPY tools/package.json tools/', 'COPY tool/package.json tools/'),
    /COPY source tool\/package.json does not exist/,
  ],
  [
    'a COPY source .dockerignore excludes',
    checkDockerfiles,
    (i) =>
      replaceIn(
        i,
        'build',
        'COPY package.json package-lock.json .npmrc ./',
        'COPY package.json package-lock.json .npmrc .git ./',
      ),
    /COPY source .git is excluded by .dockerignore/,
  ],
  [
    'a workspace manifest missing before npm ci',
    checkDockerfiles,
    (i) => replaceIn(i, 'build', 'COPY apps/cert-check/package.json apps/cert-check/\n', ''),
    /copies no apps\/cert-check\/package.json before npm ci/,
  ],
  [
    'a build stage that does not build one of the apps',
    checkDockerfiles,
    (i) => replaceIn(i, 'build', '-p gateway webhook sandbox', '-p gateway webhook'),
    /stage build: never builds sandbox/,
  ],
  [
    'a run stage without a package the app imports',
    checkDockerfiles,
    (i) => replaceIn(i, 'gateway', 'COPY --from=build /app/packages/config/dist packages/config/dist\n', ''),
    /target gateway: the run stage does not copy packages\/config\/dist/,
  ],
  [
    'a run stage without a package only that app imports',
    checkDockerfiles,
    (i) => replaceIn(i, 'webhook', 'COPY --from=build /app/packages/storage/dist packages/storage/dist\n', ''),
    /target webhook: the run stage does not copy packages\/storage\/dist/,
  ],
  [
    'a run stage shipping a package the app never imports',
    checkDockerfiles,
    (i) =>
      replaceIn(
        i,
        'sandbox',
        'COPY --from=build /app/packages/hosts/dist',
        'COPY --from=build /app/packages/storage/dist packages/storage/dist\nCOPY --from=build /app/packages/hosts/dist',
      ),
    /target sandbox: the run stage ships packages\/storage, which sandbox never imports/,
  ],
  [
    'an app image shipping the test PKI generator, which only the dev-pki step runs',
    checkDockerfiles,
    (i) =>
      replaceIn(
        i,
        'gateway',
        'COPY --from=build /app/packages/hosts/dist',
        'COPY --from=build /app/packages/testing-pki/dist packages/testing-pki/dist\nCOPY --from=build /app/packages/hosts/dist',
      ),
    /target gateway: the run stage ships packages\/testing-pki, which gateway never imports/,
  ],
  [
    'the image of the dev-pki one-shot without the package its command runs',
    checkDockerfiles,
    (i) => replaceIn(i, 'sandbox', 'COPY --from=build /app/packages/testing-pki/dist packages/testing-pki/dist\n', ''),
    /target sandbox: the run stage does not copy packages\/testing-pki\/dist/,
  ],
  [
    'a one-shot command naming a file no source builds',
    checkDockerfiles,
    (i) => void (service(i, 'dev-pki').command = ['node', 'packages/testing-pki/dist/dev-pki/main.js']),
    /dev-pki: runs packages\/testing-pki\/dist\/dev-pki\/main\.js, which no source builds/,
  ],
  [
    'the shared run stage shipping a package one app never imports',
    checkDockerfiles,
    (i) =>
      replaceIn(
        i,
        'runtime-base',
        'USER node',
        'COPY --from=build /app/packages/service-kit/dist packages/service-kit/dist\nUSER node',
      ),
    /target sandbox: the run stage ships packages\/service-kit, which sandbox never imports/,
  ],
  [
    'a run stage as root',
    checkDockerfiles,
    (i) => replaceIn(i, 'webhook', 'ENV WEBHOOK_HOST=0.0.0.0', 'ENV WEBHOOK_HOST=0.0.0.0\nUSER root'),
    /target webhook: the run stage runs as root, not node/,
  ],
  [
    'a shared run stage that never leaves root',
    checkDockerfiles,
    (i) => replaceIn(i, 'runtime-base', 'USER node\n', ''),
    /target gateway: the run stage runs as root, not node/,
  ],
  [
    'a CMD that is not the app entry',
    checkDockerfiles,
    (i) => replaceIn(i, 'gateway', 'apps/gateway/dist/main.js"]', 'apps/gateway/dist/index.js"]'),
    /CMD should be/,
  ],
  [
    'run stages on the build image, not the slim one',
    checkDockerfiles,
    (i) => replaceIn(i, 'runtime-base', /FROM node:20-bookworm-slim AS/, 'FROM node:20-bookworm AS'),
    /target webhook: the run stage should be node:20-bookworm-slim, not node:20-bookworm/,
  ],
  [
    'a target run from the build stage',
    checkDockerfiles,
    (i) => replaceIn(i, 'sandbox', 'FROM runtime-base AS sandbox', 'FROM build AS sandbox'),
    /target sandbox: the run stage should be node:20-bookworm-slim, not node:20-bookworm \(stage build\)/,
  ],
  [
    '--from naming no stage',
    checkDockerfiles,
    (i) => replaceIn(i, 'runtime-base', 'COPY --from=build /app/node_modules', 'COPY --from=builder /app/node_modules'),
    /--from=builder is not an earlier stage/,
  ],
  [
    'a .dockerignore that lets the secrets in',
    checkBuildContext,
    (i) => void (i.dockerignore = i.dockerignore.replace(/^secrets$/m, '')),
    /lets secrets\/gateway-api-keys.txt into the build context/,
  ],
  [
    'a .dockerignore that keeps sources out',
    checkBuildContext,
    (i) => void (i.dockerignore += '\n**/src\n'),
    /keeps apps\/gateway\/src\/main.ts, which the image build needs/,
  ],
  [
    'a dependency on a missing service',
    checkDependencies,
    (i) => void (service(i, 'gateway').depends_on = { redis: { condition: 'service_started' } }),
    /depends on redis, which is not a service/,
  ],
  [
    'waiting for health of a service without a health check',
    checkDependencies,
    (i) => void (service(i, 'sandbox').depends_on = { 'dev-pki': { condition: 'service_healthy' } }),
    /waits for dev-pki to be healthy, which has no health check/,
  ],
  [
    'waiting for a long-running service to complete',
    checkDependencies,
    (i) => void (service(i, 'gateway').depends_on = { sandbox: { condition: 'service_completed_successfully' } }),
    /waits for sandbox to complete, but it is not a one-shot/,
  ],
  [
    'a dependency loop',
    checkDependencies,
    (i) => void (service(i, 'sandbox').depends_on = { gateway: { condition: 'service_started' } }),
    /depends_on loops: .*sandbox -> gateway -> sandbox/,
  ],
  [
    'a webhook URL on a path the receiver does not serve',
    checkServiceUrls,
    (i) => void (env(i, 'sandbox')['SANDBOX_WEBHOOK_URL'] = 'http://webhook-1:3001/webhooks/nope'),
    /webhook serves no \/webhooks\/nope/,
  ],
  [
    'a URL on a port the service does not listen on',
    checkServiceUrls,
    (i) => void (env(i, 'gateway')['GATEWAY_NOTIFICATION_URL'] = 'http://webhook-2:3002/notifications/payments'),
    /webhook-2 does not listen on 3002/,
  ],
  [
    'TLS to a name the certificate lacks',
    checkServiceUrls,
    (i) => void (env(i, 'gateway')['CONNECTPAY_LOCAL_MTLS_URL'] = 'https://webhook-1:3001'),
    /certificates name localhost, sandbox, not webhook-1/,
  ],
  [
    'a database URL that does not match the postgres service',
    checkServiceUrls,
    (i) =>
      void (env(i, 'webhook-2')['WEBHOOK_STORAGE'] = 'postgres://connectpay:connectpay-local@postgres:5432/webhooks'),
    /database webhooks is not postgres's POSTGRES_DB/,
  ],
];

describe('docker-compose.yml and the Dockerfile', () => {
  it('runs the topology DESIGN.md "Scale" describes', () => {
    const apps = Object.keys(real.compose.services).map((name) => serviceApp(real.compose, name));
    expect(apps.filter((app) => app === 'webhook')).toHaveLength(2);
    expect(apps).toEqual(expect.arrayContaining(['gateway', 'sandbox']));
    expect(Object.values(real.compose.services).some(isPostgresImage)).toBe(true);
  });

  it('reads facts from the apps, so the checks have something to compare', () => {
    expect(factsOf('gateway').ports).toEqual([{ variable: 'GATEWAY_PORT', port: 3000 }]);
    expect(factsOf('webhook').ports).toEqual([{ variable: 'WEBHOOK_PORT', port: 3001 }]);
    expect(factsOf('sandbox').ports).toEqual(
      expect.arrayContaining([
        { variable: 'SANDBOX_MTLS_PORT', port: 8443 },
        { variable: 'SANDBOX_ONEWAY_PORT', port: 8444 },
      ]),
    );
    expect(serves('gateway', '/health/ready', 'GET')).toBe(true);
    expect(serves('webhook', '/webhooks/connectpay')).toBe(true);
    expect(factsOf('gateway').variables).toContain('CONNECTPAY_LOCAL_MTLS_URL');
  });

  it('reads a port default named by a constant from packages/config, and refuses one it cannot read', () => {
    expect(portDefaultsIn("port('SANDBOX_ONEWAY_PORT', SANDBOX_DEFAULT_PORTS.oneway)")).toEqual([
      { variable: 'SANDBOX_ONEWAY_PORT', port: 8444 },
    ]);
    expect(() => portDefaultsIn("port('SANDBOX_MTLS_PORT', SANDBOX_DEFAULT_PORTS.mtsl)")).toThrow(
      /SANDBOX_MTLS_PORT defaults to SANDBOX_DEFAULT_PORTS\.mtsl, but SANDBOX_DEFAULT_PORTS in packages\/config\/src\/variables\.ts has no number field mtsl/,
    );
    expect(() => portDefaultsIn("port('SANDBOX_MTLS_PORT', NO_SUCH_PORTS.mtls)")).toThrow(
      /packages\/config\/src\/variables\.ts does not declare NO_SUCH_PORTS as an object literal/,
    );
    expect(() => portDefaultsIn("port('SANDBOX_MTLS_PORT', Number(process.env.X))")).toThrow(
      /SANDBOX_MTLS_PORT defaults to Number\(process\.env\.X\), which is neither a number nor CONSTANT\.key/,
    );
  });

  it.each(CHECKS)('%s: the committed files pass', (_name, check) => {
    expect(check(real)).toEqual([]);
  });
});

describe('each check fails on a broken copy', () => {
  it.each(MUTATIONS)('%s', (_title, check, change, expected) => {
    const problems = check(broken(change));
    expect(problems.join('\n')).toMatch(expected);
  });

  it('every check has at least one broken copy', () => {
    expect(new Set(MUTATIONS.map(([, check]) => check)).size).toBe(CHECKS.length);
  });
});
