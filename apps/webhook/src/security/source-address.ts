import { BlockList, isIP } from 'node:net';
import type { Environment } from '@connectpay-kit/hosts';

/**
 * The addresses ConnectPay sends webhooks from (connectpay-api-notes.md, "Notifications"); `local`
 * accepts loopback only, where the sandbox runs.
 */
export const PROVIDER_SOURCE_IPS: Readonly<Record<Environment, readonly string[]>> = {
  local: ['127.0.0.1', '::1'],
  stage: ['52.31.71.221', '54.74.228.210'],
  prod: ['34.254.62.56', '54.195.165.25', '52.31.241.30', '54.75.225.162', '46.137.64.9', '54.171.90.128'],
};

/** A set of IPv4/IPv6 addresses and CIDR ranges, e.g. `10.0.0.0/8, 203.0.113.7, fd00::/8`. */
export class AddressSet {
  private readonly list = new BlockList();

  private constructor(readonly entries: readonly string[]) {
    for (const entry of entries) {
      const [address, prefix] = entry.split('/') as [string, string | undefined];
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(prefix), family);
    }
  }

  /** Parses entries, returning the ones that are not an address or CIDR range instead of throwing. */
  static parse(entries: readonly string[]): { set: AddressSet; invalid: string[] } {
    const valid: string[] = [];
    const invalid: string[] = [];
    for (const raw of entries) {
      const entry = raw.trim();
      if (entry === '') continue;
      (isAddressOrRange(entry) ? valid : invalid).push(entry);
    }
    return { set: new AddressSet(valid), invalid };
  }

  /** Comma- or whitespace-separated entries, as the WEBHOOK_* variables hold them. */
  static splitList(text: string | undefined): string[] {
    return (text ?? '').split(/[\s,]+/).filter((entry) => entry !== '');
  }

  has(address: string): boolean {
    const normalized = normalizeAddress(address);
    if (normalized === undefined) return false;
    return this.list.check(normalized, isIP(normalized) === 6 ? 'ipv6' : 'ipv4');
  }
}

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 6 ? 128 : 32);
}

/**
 * A bare IP address from what sockets and proxies write: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes
 * IPv4, and a port (`1.2.3.4:5678`, `[::1]:443`) or zone (`fe80::1%eth0`) is dropped. Undefined when
 * it is not an address at all.
 */
export function normalizeAddress(value: string): string | undefined {
  let text = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1] as string;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(text);
  if (mapped) text = mapped[1] as string;
  return isIP(text) === 0 ? undefined : text.toLowerCase();
}

/**
 * Decides where a request really comes from and whether that source may deliver webhooks.
 * `X-Forwarded-For` counts only when the peer is a trusted proxy; the header is then read from the
 * right, skipping further trusted proxies, so a client cannot forge its origin by prepending entries.
 */
export class SourcePolicy {
  constructor(
    private readonly allowed: AddressSet,
    private readonly trustedProxies: AddressSet,
  ) {}

  /** The client address, or undefined when the peer or a forwarded hop is not an address. */
  clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined): string | undefined {
    let client = peer === undefined ? undefined : normalizeAddress(peer);
    if (client === undefined || forwardedFor === undefined || !this.trustedProxies.has(client)) return client;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop !== '');
    for (let index = hops.length - 1; index >= 0; index -= 1) {
      const hop = normalizeAddress(hops[index] as string);
      if (hop === undefined) return undefined;
      client = hop;
      if (!this.trustedProxies.has(hop)) break;
    }
    return client;
  }

  allows(client: string | undefined): boolean {
    return client !== undefined && this.allowed.has(client);
  }
}
