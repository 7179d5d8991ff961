// Types of current.mjs, for the rename tests.

export type PortKey = 'gateway' | 'webhook' | 'sandboxMtls' | 'sandboxOneway';

export declare const CURRENT: Readonly<{
  scope: string;
  name: string;
  displayName: string;
  ports: Readonly<Record<PortKey, number>>;
}>;

export declare const OTHER_PORTS: Readonly<Record<number, string>>;
