// Reads docker-compose.yml, the root Dockerfile (one target per app) and the facts about each app that its sources hold
// (ports, routes, variables, workspace imports), for compose.spec.ts (which checks the files against the
// sources) and replica-topology.e2e.spec.ts (which keeps its processes' environments in step with the
// compose file). Types: compose-model.d.mts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const WORKSPACE_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
export const COMPOSE_FILE = join(WORKSPACE_ROOT, 'docker-compose.yml');
/** The one Dockerfile of the apps' images: a shared build stage and one run stage (target) per app. */
export const DOCKERFILE = join(WORKSPACE_ROOT, 'Dockerfile');

// ---------------------------------------------------------------------------------------------------
// docker-compose.yml

/**
 * Compose's variable substitution: `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `$NAME`, `$$`.
 * `variables` stands in for the shell and `.env`; the checks and the runner pass none, so the file's
 * defaults apply. A variable with neither a value nor a default is an error, as in compose.
 */
export function interpolate(text, variables = {}) {
  return text.replace(
    /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_match, dollar, braced, operator, fallback, bare) => {
      if (dollar) return '$';
      const name = braced ?? bare;
      const value = variables[name];
      if (operator === ':-') return value === undefined || value === '' ? fallback : value;
      if (operator === '-') return value === undefined ? fallback : value;
      if (value === undefined) {
        throw new Error(`docker-compose.yml uses \${${name}} without a default: give it one (\${${name}:-value}).`);
      }
      return value;
    },
  );
}

/** The compose file as compose sees it: YAML merge keys resolved, variables substituted. */
export function parseCompose(text, variables = {}) {
  const document = parse(text, { merge: true, maxAliasCount: -1 });
  if (document === null || typeof document !== 'object' || typeof document.services !== 'object') {
    throw new Error('docker-compose.yml has no services mapping.');
  }
  return substitute(document, variables);
}

export function readCompose(path = COMPOSE_FILE, variables = {}) {
  return parseCompose(readFileSync(path, 'utf8'), variables);
}

function substitute(value, variables) {
  if (typeof value === 'string') return interpolate(value, variables);
  if (Array.isArray(value)) return value.map((item) => substitute(item, variables));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, variables)]));
  }
  return value;
}

/** A service's `environment`, list form (`NAME=value`) or mapping form, as strings. */
export function environmentOf(service) {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = String(entry).indexOf('=');
        return at === -1 ? [String(entry), ''] : [String(entry).slice(0, at), String(entry).slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, value == null ? '' : String(value)]),
  );
}

/** `depends_on` in list or mapping form: service -> condition. */
export function dependenciesOf(service) {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(dependsOn).map(([name, spec]) => [name, spec?.condition ?? 'service_started']),
  );
}

/** A `ports` entry, short (`[ip:]published:target[/proto]`) or long form. */
export function parsePort(entry) {
  if (entry !== null && typeof entry === 'object') {
    return {
      hostIp: entry.host_ip,
      published: entry.published === undefined ? undefined : Number(entry.published),
      target: Number(entry.target),
    };
  }
  const text = String(entry).replace(/\/(tcp|udp)$/, '');
  const parts = text.split(':');
  const target = Number(parts.pop());
  const published = parts.length > 0 ? Number(parts.pop()) : undefined;
  const hostIp = parts.length > 0 ? parts.join(':') : undefined;
  return { hostIp, published, target };
}

/** A `volumes` entry of a service: named volume, bind mount or anonymous volume. */
export function parseMount(entry) {
  if (entry !== null && typeof entry === 'object') {
    return { source: entry.source, target: entry.target, readOnly: Boolean(entry.read_only), type: entry.type };
  }
  const parts = String(entry).split(':');
  if (parts.length === 1) return { source: undefined, target: parts[0], readOnly: false, type: 'volume' };
  const [source, target, mode = ''] = parts;
  const type = /^[./~]/.test(source) ? 'bind' : 'volume';
  return { source, target, readOnly: mode.split(',').includes('ro'), type };
}

/** Names of the secrets a service is granted (short or long form). */
export function secretsOf(service) {
  return (service.secrets ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.source));
}

/** Where a granted secret appears in the container. */
export function secretTarget(service, name) {
  const entry = (service.secrets ?? []).find((item) => (typeof item === 'string' ? item : item.source) === name);
  const target = entry && typeof entry === 'object' && entry.target ? entry.target : name;
  return target.startsWith('/') ? target : `/run/secrets/${target}`;
}

/** The healthcheck `test` as an argv (CMD form) or a shell line (CMD-SHELL); undefined when none. */
export function healthcheckOf(service) {
  const check = service.healthcheck;
  if (!check || check.disable === true || check.test === undefined) return undefined;
  return commandForm(check.test);
}

export function commandForm(test) {
  if (typeof test === 'string') return { shell: test };
  const [kind, ...rest] = test;
  if (kind === 'NONE') return undefined;
  if (kind === 'CMD-SHELL') return { shell: rest.join(' ') };
  if (kind === 'CMD') return { argv: rest };
  return { argv: test };
}

/**
 * The workspace app a service runs: the target it builds from the root Dockerfile (targets are named
 * after the apps), or the app of another service that builds its image. Undefined for anything else,
 * including a target that is not an app (`build`, `runtime-base`).
 */
export function serviceApp(compose, name) {
  const service = compose.services[name];
  const build = buildOf(service);
  if (build) {
    if (dockerfilePath(build) !== 'Dockerfile' || build.target === undefined) return undefined;
    const app = build.target;
    return /^[a-z0-9-]+$/.test(app) && existsSync(join(WORKSPACE_ROOT, 'apps', app, 'package.json')) ? app : undefined;
  }
  if (service.image === undefined) return undefined;
  for (const [other, candidate] of Object.entries(compose.services)) {
    if (other !== name && candidate.image === service.image && buildOf(candidate)) return serviceApp(compose, other);
  }
  return undefined;
}

/** `build` in string or mapping form; `dockerfile` is relative to the context, as compose reads it. */
export function buildOf(service) {
  if (service.build === undefined) return undefined;
  const build = typeof service.build === 'string' ? { context: service.build } : service.build;
  return { context: build.context ?? '.', dockerfile: build.dockerfile ?? 'Dockerfile', target: build.target };
}

/** The Dockerfile a build reads, relative to the workspace root (`Dockerfile` for the root one). */
export function dockerfilePath(build) {
  return posix.normalize(posix.join(build.context, build.dockerfile));
}

// ---------------------------------------------------------------------------------------------------
// Dockerfiles

/**
 * Instructions grouped by stage. Handles comments, `\` continuations and the JSON (exec) form; keeps
 * each instruction's first line number for messages.
 */
export function parseDockerfile(text) {
  const stages = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    let line = lines[index];
    const lineNumber = index + 1;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && index + 1 < lines.length) {
      index += 1;
      const next = lines[index];
      if (/^\s*#/.test(next)) continue;
      line = `${line.replace(/\\\s*$/, '')} ${next.trim()}`;
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`Dockerfile line ${lineNumber}: cannot read "${line.trim()}".`);
    const keyword = match[1].toUpperCase();
    const value = match[2].trim();
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(value);
      stages.push({ image: from?.[1] ?? value, name: from?.[2], line: lineNumber, instructions: [] });
      continue;
    }
    if (stages.length === 0) {
      if (keyword === 'ARG') continue;
      throw new Error(`Dockerfile line ${lineNumber}: ${keyword} before the first FROM.`);
    }
    stages[stages.length - 1].instructions.push({ keyword, value, line: lineNumber });
  }
  return { stages };
}

/** COPY/ADD: its flags, its sources and its destination (shell or JSON form). */
export function parseCopy(value) {
  const flags = {};
  let rest = value;
  for (;;) {
    const flag = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest);
    if (!flag) break;
    flags[flag[1]] = flag[2] ?? 'true';
    rest = rest.slice(flag[0].length);
  }
  const parts = rest.startsWith('[') ? JSON.parse(rest) : rest.split(/\s+/);
  return { flags, sources: parts.slice(0, -1), destination: parts[parts.length - 1] };
}

/** CMD, ENTRYPOINT or HEALTHCHECK CMD arguments: the exec form as an argv, else a shell line. */
export function parseExecForm(value) {
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) return { argv: JSON.parse(trimmed) };
  return { shell: trimmed };
}

/** `ENV a=b c=d` (and the legacy `ENV a b`) as a mapping. */
export function parseEnv(value) {
  const result = {};
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=]*)$/.exec(value);
  if (legacy) {
    result[legacy[1]] = legacy[2];
    return result;
  }
  for (const match of value.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    result[match[1]] = match[2].startsWith('"') ? JSON.parse(match[2]) : match[2];
  }
  return result;
}

/**
 * The stages a target is made of, from the one that starts from an image to the target itself: a
 * stage `FROM <earlier stage>` continues that stage. Without a target, the last stage (as docker).
 */
export function stageChain(dockerfile, target) {
  const { stages } = dockerfile;
  let stage = target === undefined ? stages[stages.length - 1] : stages.find((s) => s.name === target);
  if (stage === undefined) {
    const names = stages.flatMap((s) => s.name ?? []);
    throw new Error(`the Dockerfile has no stage ${target} (its stages: ${names.join(', ') || 'none named'}).`);
  }
  const chain = [stage];
  for (;;) {
    const earlier = stages.slice(0, stages.indexOf(stage));
    const parent = earlier.find((s) => s.name !== undefined && s.name === stage.image);
    if (parent === undefined) return chain;
    chain.unshift(parent);
    stage = parent;
  }
}

/**
 * What a target's image runs with: ENV, WORKDIR, USER, EXPOSE, CMD and HEALTHCHECK over its stage
 * chain, a later stage overriding an earlier one as in docker. Without a target, the last stage.
 */
export function runStage(dockerfile, target) {
  const chain = stageChain(dockerfile, target);
  const stage = chain[chain.length - 1];
  const image = {
    stage,
    chain,
    env: {},
    workdir: '/',
    user: undefined,
    expose: [],
    cmd: undefined,
    healthcheck: undefined,
  };
  for (const { keyword, value } of chain.flatMap((s) => s.instructions)) {
    if (keyword === 'ENV') Object.assign(image.env, parseEnv(value));
    else if (keyword === 'WORKDIR') image.workdir = value.startsWith('/') ? value : join(image.workdir, value);
    else if (keyword === 'USER') image.user = value;
    else if (keyword === 'EXPOSE')
      image.expose.push(...value.split(/\s+/).map((port) => Number(port.replace(/\/\w+$/, ''))));
    else if (keyword === 'CMD') image.cmd = parseExecForm(value);
    else if (keyword === 'HEALTHCHECK') {
      const command = /(?:^|\s)CMD\s+(.*)$/.exec(value);
      image.healthcheck = value.trim() === 'NONE' || !command ? undefined : parseExecForm(command[1]);
    }
  }
  return image;
}

export function readDockerfile(path = DOCKERFILE) {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

// ---------------------------------------------------------------------------------------------------
// What an app's sources say

/** Non-test TypeScript files under a folder. */
export function runtimeSources(folder) {
  if (!existsSync(folder)) return [];
  const found = [];
  for (const entry of readdirSync(folder)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) found.push(...runtimeSources(path));
    else if (path.endsWith('.ts') && !path.endsWith('.spec.ts') && !path.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

function appSources(app) {
  return runtimeSources(join(WORKSPACE_ROOT, 'apps', app, 'src'));
}

/**
 * Where a named port default is declared (relative to WORKSPACE_ROOT). The sandbox's entry takes its defaults from
 * @connectpay-kit/config (`port('SANDBOX_MTLS_PORT', SANDBOX_DEFAULT_PORTS.mtls)`); the source is read
 * rather than the built package imported, so the checks need no build and see uncommitted edits.
 */
export const PORT_CONSTANTS_FILE = 'packages/config/src/variables.ts';

/**
 * Port defaults written in one source text, each with the variable that moves it:
 * `NAME: integer(min, max, default)` (zod settings) or `port('NAME', default)` (the sandbox's entry).
 * A default is a number or `CONSTANT.key`, a number field of an object literal in PORT_CONSTANTS_FILE.
 * Anything else throws: a default this cannot read would otherwise drop out of the checks unnoticed.
 */
export function portDefaultsIn(text) {
  const ports = [];
  const patterns = [
    /\b([A-Z][A-Z0-9_]*_PORT)\s*:\s*integer\(\s*[\d_]+\s*,\s*[\d_]+\s*,\s*/g,
    /\bport\(\s*['"]([A-Z][A-Z0-9_]*_PORT)['"]\s*,\s*/g,
  ];
  // The default runs to the call's closing parenthesis (past prettier's trailing comma when the call
  // wraps); one level of nested calls is allowed for, so `Number(x)` is read whole and refused.
  const argument = /((?:[^()]|\([^()]*\))*?)\s*,?\s*\)/y;
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index + match[0].length;
      argument.lastIndex = start;
      const value = argument.exec(text)?.[1] ?? text.slice(start).split('\n')[0].trim();
      ports.push({ variable: match[1], port: portValue(match[1], value) });
    }
  }
  return ports;
}

function portValue(variable, value) {
  if (/^\d[\d_]*$/.test(value)) return Number(value.replace(/_/g, ''));
  const reference = /^([A-Z][A-Z0-9_]*)\.([A-Za-z_$][\w$]*)$/.exec(value);
  if (!reference) {
    throw new Error(
      `${variable} defaults to ${value}, which is neither a number nor CONSTANT.key: write the number, or ` +
        `name a number field of an object in ${PORT_CONSTANTS_FILE}.`,
    );
  }
  const [, name, key] = reference;
  let fields;
  try {
    fields = constNumbers(join(WORKSPACE_ROOT, PORT_CONSTANTS_FILE), name);
  } catch (error) {
    throw new Error(`${variable} defaults to ${value}, but ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const port = fields[key];
  if (port === undefined) {
    throw new Error(
      `${variable} defaults to ${value}, but ${name} in ${PORT_CONSTANTS_FILE} has no number field ${key}.`,
    );
  }
  return port;
}

/** The ports an app listens on by default and the variable that moves each (portDefaultsIn over its sources). */
export function appPortDefaults(app) {
  const ports = [];
  for (const file of appSources(app)) {
    try {
      ports.push(...portDefaultsIn(readFileSync(file, 'utf8')));
    } catch (error) {
      throw new Error(`${relative(WORKSPACE_ROOT, file)}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
  return ports.sort((a, b) => a.port - b.port);
}

const HTTP_METHODS = ['Get', 'Post', 'Put', 'Patch', 'Delete', 'Head', 'Options', 'All'];

/**
 * Paths an app serves: Nest controllers (`@Controller('health')` + `@Get('ready')`), route constants
 * (`const SUBSCRIPTION_ROUTE = '/webhooks/connectpay'`) and hand-written matches (`pathname === '/x'`).
 * `method` is upper case, or `ANY` when the source does not say.
 */
export function appRoutes(app) {
  const routes = [];
  const join2 = (...parts) =>
    `/${parts
      .map((part) => part.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/')}`;
  for (const file of appSources(app)) {
    const text = readFileSync(file, 'utf8');
    const controller = /@Controller\(\s*(?:['"]([^'"]*)['"])?\s*\)/.exec(text);
    if (controller) {
      const prefix = controller[1] ?? '';
      const handler = new RegExp(`@(${HTTP_METHODS.join('|')})\\(\\s*(?:['"]([^'"]*)['"])?\\s*\\)`, 'g');
      for (const match of text.matchAll(handler)) {
        routes.push({ method: match[1].toUpperCase(), path: join2(prefix, match[2] ?? ''), file });
      }
    }
    for (const match of text.matchAll(/\bconst\s+[A-Z0-9_]*(?:ROUTE|PATH)\s*=\s*['"](\/[^'"]*)['"]/g)) {
      routes.push({ method: 'ANY', path: match[1], file });
    }
    for (const match of text.matchAll(
      /(?:method\s*===\s*['"]([A-Z]+)['"]\s*&&\s*)?pathname\s*===\s*['"](\/[^'"]*)['"]/g,
    )) {
      routes.push({ method: match[1] ?? 'ANY', path: match[2], file });
    }
  }
  return routes;
}

/** Workspace packages a file imports (static, dynamic, re-exports). */
function workspaceImports(file) {
  const names = new Set();
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]@connectpay-kit\/([a-z0-9-]+)/g)) {
    names.add(match[1]);
  }
  return names;
}

/** Every workspace package the app's runtime code reaches, directly or through other packages. */
export function runtimeWorkspacePackages(app) {
  const seen = new Set();
  const queue = appSources(app).flatMap((file) => [...workspaceImports(file)]);
  while (queue.length > 0) {
    const name = queue.shift();
    if (seen.has(name) || !existsSync(join(WORKSPACE_ROOT, 'packages', name))) continue;
    seen.add(name);
    for (const file of runtimeSources(join(WORKSPACE_ROOT, 'packages', name, 'src')))
      queue.push(...workspaceImports(file));
  }
  return [...seen].sort();
}

/**
 * Environment variable names the app's runtime code (and the packages it reaches) can read: every
 * UPPER_SNAKE string literal, plus packages/config's `CONNECTPAY_<ENV>_<SETTING>` names, which it
 * builds from its SETTINGS list and the hosts package's ENVIRONMENTS.
 */
export function variablesRead(app) {
  const packages = runtimeWorkspacePackages(app);
  const files = [
    ...appSources(app),
    ...packages.flatMap((name) => runtimeSources(join(WORKSPACE_ROOT, 'packages', name, 'src'))),
  ];
  const names = new Set();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/['"`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"`]/g)) names.add(match[1]);
    // The apps' settings schemas list their variables as object keys (`GATEWAY_STORAGE_FILE: optionalText`).
    if (file.endsWith('/settings.ts')) {
      for (const match of text.matchAll(/^\s+([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+):/gm)) names.add(match[1]);
    }
  }
  if (packages.includes('config')) {
    const settings = constList(join(WORKSPACE_ROOT, 'packages/config/src/variables.ts'), 'SETTINGS');
    const environments = constList(join(WORKSPACE_ROOT, 'packages/hosts/src/environments.ts'), 'ENVIRONMENTS');
    for (const environment of environments) {
      for (const setting of settings) names.add(`CONNECTPAY_${environment.toUpperCase()}_${setting}`);
    }
  }
  return names;
}

/** The string items of `export const NAME = [...]` in a source file. */
export function constList(file, name) {
  const text = readFileSync(file, 'utf8');
  const list = new RegExp(`\\bconst\\s+${name}\\s*=\\s*\\[([^\\]]*)\\]`).exec(text);
  if (!list) throw new Error(`${file} no longer declares ${name} as an array literal.`);
  return [...list[1].matchAll(/['"]([^'"]+)['"]/g)].map((match) => match[1]);
}

/** The number fields of `export const NAME = { key: 1 }` (or `Object.freeze({ … })`) in a source file. */
export function constNumbers(file, name) {
  const text = readFileSync(file, 'utf8');
  const object = new RegExp(`\\bconst\\s+${name}\\s*=\\s*(?:Object\\.freeze\\(\\s*)?\\{([^}]*)\\}`).exec(text);
  if (!object) throw new Error(`${relative(WORKSPACE_ROOT, file)} does not declare ${name} as an object literal.`);
  return Object.fromEntries(
    [...object[1].matchAll(/([A-Za-z_$][\w$]*)\s*:\s*(\d[\d_]*)(?![\w.])/g)].map(([, key, digits]) => [
      key,
      Number(digits.replace(/_/g, '')),
    ]),
  );
}

/** The dev PKI's file names and the host names its server certificates carry (packages/testing-pki). */
export function devPkiLayout() {
  const file = join(WORKSPACE_ROOT, 'packages/testing-pki/src/dev-pki/layout.ts');
  const text = readFileSync(file, 'utf8');
  const files = /\bDEV_PKI_FILES\s*=\s*\{([^}]*)\}/.exec(text);
  if (!files) throw new Error(`${file} no longer declares DEV_PKI_FILES as an object literal.`);
  return {
    files: [...files[1].matchAll(/:\s*['"]([^'"]+)['"]/g)].map((match) => match[1]),
    serverNames: constList(file, 'DEV_SERVER_NAMES'),
    clientId: /\bDEV_CLIENT_ID\s*=\s*['"]([^'"]+)['"]/.exec(text)?.[1],
  };
}
