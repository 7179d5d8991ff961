import { AddressSet, normalizeAddress, PROVIDER_SOURCE_IPS, SourcePolicy } from '../src/security/source-address.js';

const set = (...entries: string[]) => AddressSet.parse(entries).set;

describe('source address policy', () => {
  const stage = new SourcePolicy(set(...PROVIDER_SOURCE_IPS.stage), set('10.0.0.0/8', '192.168.1.10'));

  it('takes the peer address when no trusted proxy is involved, ignoring X-Forwarded-For', () => {
    expect(stage.clientAddress('203.0.113.9', '52.31.71.221')).toBe('203.0.113.9');
    expect(stage.allows(stage.clientAddress('203.0.113.9', '52.31.71.221'))).toBe(false);
    expect(stage.allows(stage.clientAddress('::ffff:52.31.71.221', undefined))).toBe(true);
  });

  it('reads X-Forwarded-For from the right behind trusted proxies, so a prepended entry is not believed', () => {
    expect(stage.clientAddress('10.1.2.3', '52.31.71.221')).toBe('52.31.71.221');
    expect(stage.clientAddress('10.1.2.3', '52.31.71.221, 192.168.1.10')).toBe('52.31.71.221');
    // The attacker writes the provider's address first; the proxy appends the attacker's real one.
    expect(stage.clientAddress('10.1.2.3', '52.31.71.221, 198.51.100.7')).toBe('198.51.100.7');
    expect(stage.allows(stage.clientAddress('10.1.2.3', ['52.31.71.221', '198.51.100.7']))).toBe(false);
  });

  it('refuses an unparseable hop rather than skipping it', () => {
    expect(stage.clientAddress('10.1.2.3', 'not-an-ip')).toBeUndefined();
    expect(stage.allows(undefined)).toBe(false);
  });

  it('knows each environment has its own list', () => {
    const prod = new SourcePolicy(set(...PROVIDER_SOURCE_IPS.prod), set());
    expect(prod.allows('52.31.71.221')).toBe(false);
    expect(prod.allows('54.171.90.128')).toBe(true);
  });
});

describe('address parsing', () => {
  it('normalises what sockets and proxies write', () => {
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('203.0.113.7:4433')).toBe('203.0.113.7');
    expect(normalizeAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(normalizeAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeAddress('example.com')).toBeUndefined();
  });

  it('reports entries that are not addresses or ranges', () => {
    expect(AddressSet.parse(['10.0.0.0/8', '10.0.0.0/33', 'fd00::/8', 'proxy.local', '1.2.3.4/x']).invalid).toEqual([
      '10.0.0.0/33',
      'proxy.local',
      '1.2.3.4/x',
    ]);
    expect(set('fd00::/8').has('fd12::1')).toBe(true);
  });
});
