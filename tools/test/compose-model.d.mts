// Types of compose-model.mjs, for tools/test/compose.spec.ts.

export declare const WORKSPACE_ROOT: string;
export declare const COMPOSE_FILE: string;
export declare const DOCKERFILE: string;

export type ComposeValue = string | number | boolean | null | ComposeValue[] | { [key: string]: ComposeValue };

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  command?: string | string[];
  environment?: string[] | Record<string, string | number | boolean | null>;
  ports?: (string | { target: number; published?: number | string; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string; read_only?: boolean })[];
  secrets?: (string | { source: string; target?: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean; [key: string]: ComposeValue | undefined };
  restart?: string;
  [key: string]: unknown;
}

export interface Compose {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string; environment?: string; external?: boolean }>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CommandForm {
  readonly argv?: string[];
  readonly shell?: string;
}

export interface PortMapping {
  readonly hostIp: string | undefined;
  readonly published: number | undefined;
  readonly target: number;
}

export interface Mount {
  readonly source: string | undefined;
  readonly target: string;
  readonly readOnly: boolean;
  readonly type: string | undefined;
}

export interface DockerInstruction {
  readonly keyword: string;
  readonly value: string;
  readonly line: number;
}

export interface DockerStage {
  readonly image: string;
  readonly name: string | undefined;
  readonly line: number;
  readonly instructions: DockerInstruction[];
}

export interface Dockerfile {
  readonly stages: DockerStage[];
}

export interface BuildSpec {
  readonly context: string;
  /** Relative to the context. */
  readonly dockerfile: string;
  readonly target: string | undefined;
}

export interface RunImage {
  /** The target stage. */
  readonly stage: DockerStage;
  /** The stages it is made of, first the one that starts from an image, last the target. */
  readonly chain: DockerStage[];
  readonly env: Record<string, string>;
  readonly workdir: string;
  readonly user: string | undefined;
  readonly expose: number[];
  readonly cmd: CommandForm | undefined;
  readonly healthcheck: CommandForm | undefined;
}

export interface AppRoute {
  /** Upper case, or `ANY` when the source does not say. */
  readonly method: string;
  readonly path: string;
  readonly file: string;
}

export declare function interpolate(text: string, variables?: Record<string, string | undefined>): string;
export declare function parseCompose(text: string, variables?: Record<string, string | undefined>): Compose;
export declare function readCompose(path?: string, variables?: Record<string, string | undefined>): Compose;
export declare function environmentOf(service: ComposeService): Record<string, string>;
export declare function dependenciesOf(service: ComposeService): Record<string, string>;
export declare function parsePort(entry: NonNullable<ComposeService['ports']>[number]): PortMapping;
export declare function parseMount(entry: NonNullable<ComposeService['volumes']>[number]): Mount;
export declare function secretsOf(service: ComposeService): string[];
export declare function secretTarget(service: ComposeService, name: string): string;
export declare function healthcheckOf(service: ComposeService): CommandForm | undefined;
export declare function commandForm(test: string | string[]): CommandForm | undefined;
export declare function serviceApp(compose: Compose, name: string): string | undefined;
export declare function buildOf(service: ComposeService): BuildSpec | undefined;
export declare function dockerfilePath(build: BuildSpec): string;

export declare function parseDockerfile(text: string): Dockerfile;
export declare function parseCopy(value: string): {
  flags: Record<string, string>;
  sources: string[];
  destination: string;
};
export declare function parseExecForm(value: string): CommandForm;
export declare function parseEnv(value: string): Record<string, string>;
export declare function stageChain(dockerfile: Dockerfile, target?: string): DockerStage[];
export declare function runStage(dockerfile: Dockerfile, target?: string): RunImage;
export declare function readDockerfile(path?: string): Dockerfile;

export declare function runtimeSources(folder: string): string[];
export interface PortDefault {
  readonly variable: string;
  readonly port: number;
}
/** Where `CONSTANT.key` port defaults are looked up, relative to WORKSPACE_ROOT. */
export declare const PORT_CONSTANTS_FILE: string;
export declare function portDefaultsIn(text: string): PortDefault[];
export declare function appPortDefaults(app: string): PortDefault[];
export declare function appRoutes(app: string): AppRoute[];
export declare function runtimeWorkspacePackages(app: string): string[];
export declare function variablesRead(app: string): Set<string>;
export declare function constList(file: string, name: string): string[];
export declare function constNumbers(file: string, name: string): Record<string, number>;
export declare function devPkiLayout(): { files: string[]; serverNames: string[]; clientId: string | undefined };
