import { AppError } from '../../../src/errors/app-error.js';
import { assertClusterAddressAllowed } from '../../../src/cluster/outbound/assert-cluster-address-allowed.js';
import type { HostResolver } from '../../../src/cluster/outbound/check-cluster-host.js';
import type { OutboundPolicy } from '../../../src/cluster/outbound/outbound-policy.js';

const noExceptions: OutboundPolicy = { allowCidrs: [], allowHosts: [] };

/** A resolver from a table; it records what was asked, and never touches DNS. */
function tableResolver(table: Record<string, string[]>): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolver = async (hostname: string) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { asked });
}

async function refusal(
  url: string,
  policy: OutboundPolicy,
  resolver: HostResolver,
): Promise<AppError> {
  try {
    await assertClusterAddressAllowed(new URL(url), policy, resolver);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('assertClusterAddressAllowed', () => {
  const resolver = tableResolver({
    'cluster.example.com': ['93.184.215.14', '2606:2800:21f::1'],
    'dual.example.com': ['93.184.215.14', '::1'],
    'private.example.com': ['10.1.2.3'],
    'metadata.google.internal': ['169.254.169.254'],
    'sim.local': ['127.0.0.1'],
    'empty.example.com': [],
  });

  it('allows a name whose every address is public, and says which were judged', async () => {
    await expect(
      assertClusterAddressAllowed(
        new URL('https://cluster.example.com:6443'),
        noExceptions,
        resolver,
      ),
    ).resolves.toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f::1', family: 6 },
    ]);
  });

  it('refuses a name when any one of its addresses is refused', async () => {
    const error = await refusal('https://dual.example.com', noExceptions, resolver);
    expect(error.code).toBe('CLUSTER_ADDRESS_REFUSED');
    expect(error.details).toEqual({ reason: 'LOOPBACK', host: 'dual.example.com', address: '::1' });
    expect(error.message).toContain('dual.example.com');
  });

  it('refuses a name resolving into a private range, with the reason and the host', async () => {
    const error = await refusal('https://private.example.com', noExceptions, resolver);
    expect(error.details).toEqual({
      reason: 'PRIVATE',
      host: 'private.example.com',
      address: '10.1.2.3',
    });
  });

  it('refuses a name that does not resolve, or resolves to nothing', async () => {
    expect((await refusal('https://nowhere.example.com', noExceptions, resolver)).details).toEqual({
      reason: 'UNRESOLVABLE',
      host: 'nowhere.example.com',
    });
    expect(
      (await refusal('https://empty.example.com', noExceptions, resolver)).details.reason,
    ).toBe('UNRESOLVABLE');
  });

  it.each([
    ['https://metadata.google.internal/computeMetadata/v1/', 'METADATA_HOST'],
    ['https://METADATA.google.internal./', 'METADATA_HOST'],
    ['https://metadata/', 'METADATA_HOST'],
    ['https://metadata.goog/', 'METADATA_HOST'],
    ['https://instance-data/', 'METADATA_HOST'],
    ['https://instance-data.ec2.internal/', 'METADATA_HOST'],
    ['https://metadata.azure.com/', 'METADATA_HOST'],
    ['https://localhost:6443/', 'LOOPBACK'],
    ['https://api.localhost/', 'LOOPBACK'],
    ['https://ip-10-0-0-1.ec2.internal/', 'INTERNAL_HOST'],
    ['https://kubernetes.default.svc/', 'INTERNAL_HOST'],
    ['https://kubernetes.default.svc.cluster.local/', 'INTERNAL_HOST'],
    ['https://router.home.arpa/', 'INTERNAL_HOST'],
    ['https://kubernetes/', 'INTERNAL_HOST'],
  ])('refuses %s by its name, before resolving it', async (url, reason) => {
    const error = await refusal(url, noExceptions, resolver);
    expect(error.details.reason).toBe(reason);
    expect(resolver.asked).not.toContain(new URL(url).hostname);
  });

  it.each([
    ['https://127.0.0.1:6443/', '127.0.0.1', 'LOOPBACK'],
    ['https://2130706433/', '127.0.0.1', 'LOOPBACK'],
    ['https://0x7f.1/', '127.0.0.1', 'LOOPBACK'],
    ['https://127.1/', '127.0.0.1', 'LOOPBACK'],
    ['https://0177.0.0.1/', '127.0.0.1', 'LOOPBACK'],
    ['https://0xa9fea9fe/', '169.254.169.254', 'METADATA_ADDRESS'],
    ['https://[::1]:6443/', '::1', 'LOOPBACK'],
    ['https://[::ffff:127.0.0.1]/', '::ffff:7f00:1', 'LOOPBACK'],
    ['https://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe', 'METADATA_ADDRESS'],
    ['https://[fd00::1]/', 'fd00::1', 'PRIVATE'],
    ['https://[fe80::1]/', 'fe80::1', 'LINK_LOCAL'],
    ['https://[64:ff9b::10.0.0.1]/', '64:ff9b::a00:1', 'PRIVATE'],
    ['https://0.0.0.0/', '0.0.0.0', 'UNSPECIFIED'],
    ['https://100.64.0.1/', '100.64.0.1', 'CGNAT'],
  ])('judges the IP literal %s as %s, without resolving', async (url, address, reason) => {
    const error = await refusal(url, noExceptions, resolver);
    expect(error.details).toEqual({ reason, host: address, address });
    expect(resolver.asked).not.toContain(address);
  });

  it('allows a listed loopback address, and only that one', async () => {
    const policy = { allowCidrs: ['127.0.0.1/32'], allowHosts: [] };
    await expect(
      assertClusterAddressAllowed(new URL('https://127.0.0.1:6443'), policy, resolver),
    ).resolves.toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect((await refusal('https://127.0.0.2:6443', policy, resolver)).details.reason).toBe(
      'LOOPBACK',
    );
  });

  it('lets allowHosts lift the name rule only: the resolved addresses must still pass', async () => {
    const nameOnly = { allowCidrs: [], allowHosts: ['sim.local'] };
    expect((await refusal('https://sim.local', nameOnly, resolver)).details).toEqual({
      reason: 'LOOPBACK',
      host: 'sim.local',
      address: '127.0.0.1',
    });
    const nameAndRange = { allowCidrs: ['127.0.0.1/32'], allowHosts: ['SIM.local.'] };
    await expect(
      assertClusterAddressAllowed(new URL('https://sim.local:6443'), nameAndRange, resolver),
    ).resolves.toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  it('keeps a metadata name refused even when its address range is allowed', async () => {
    const policy = { allowCidrs: ['169.254.0.0/16'], allowHosts: [] };
    expect(
      (await refusal('https://metadata.google.internal', policy, resolver)).details.reason,
    ).toBe('METADATA_HOST');
  });

  it('uses the system resolver by default (here for localhost, answered on this machine)', async () => {
    const policy = { allowCidrs: ['127.0.0.0/8', '::1/128'], allowHosts: ['localhost'] };
    const addresses = await assertClusterAddressAllowed(new URL('https://localhost:6443'), policy);
    expect(addresses.length).toBeGreaterThan(0);
    const loopbackOnly = { allowCidrs: ['127.0.0.0/8'], allowHosts: ['localhost'] };
    if (addresses.some(({ family }) => family === 6)) {
      await expect(
        assertClusterAddressAllowed(new URL('https://localhost:6443'), loopbackOnly),
      ).rejects.toMatchObject({ details: { reason: 'LOOPBACK', address: '::1' } });
    }
  });

  it('never puts credentials from the URL in the error', async () => {
    const error = await refusal('https://admin:hunter2-SECRET@10.0.0.1/', noExceptions, resolver);
    expect(JSON.stringify(error) + error.message).not.toContain('hunter2-SECRET');
  });
});
