import type { LookupAddress, LookupOptions } from 'node:dns';
import { isClusterAddressRefusedError } from '../../../src/cluster/outbound/address-refusal.js';
import type { HostResolver } from '../../../src/cluster/outbound/check-cluster-host.js';
import { createGuardedLookup } from '../../../src/cluster/outbound/create-guarded-lookup.js';
import type { OutboundPolicy } from '../../../src/cluster/outbound/outbound-policy.js';

const noExceptions: OutboundPolicy = { allowCidrs: [], allowHosts: [] };

const resolver: HostResolver = async (hostname) => {
  const table: Record<string, string[]> = {
    'public.example.com': ['93.184.215.14', '2606:2800:21f::1'],
    'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
  };
  const addresses = table[hostname];
  if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

interface LookupResult {
  error: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family: number | undefined;
}

function lookup(hostname: string, options: LookupOptions): Promise<LookupResult> {
  const guarded = createGuardedLookup(noExceptions, resolver);
  return new Promise((resolve) => {
    guarded(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('createGuardedLookup', () => {
  it('answers every address when asked for all (as Node does when it picks a family itself)', async () => {
    expect(await lookup('public.example.com', { all: true })).toEqual({
      error: null,
      address: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:2800:21f::1', family: 6 },
      ],
      family: undefined,
    });
  });

  it('answers one address and its family when asked for one', async () => {
    expect(await lookup('public.example.com', {})).toEqual({
      error: null,
      address: '93.184.215.14',
      family: 4,
    });
    expect(await lookup('public.example.com', { family: 6 })).toEqual({
      error: null,
      address: '2606:2800:21f::1',
      family: 6,
    });
  });

  it('refuses the name when any address is refused, even one of the family not asked for', async () => {
    for (const options of [{ all: true }, {}, { family: 4 }] as LookupOptions[]) {
      const { error } = await lookup('mixed.example.com', options);
      expect(error).toMatchObject({
        code: 'ECLUSTERADDRESSREFUSED',
        reason: 'PRIVATE',
        host: 'mixed.example.com',
        address: '10.0.0.7',
      });
      expect(error?.message).toContain('PRIVATE');
    }
  });

  it('refuses metadata names without resolving them', async () => {
    const { error } = await lookup('metadata.google.internal', { all: true });
    expect(error).toMatchObject({ code: 'ECLUSTERADDRESSREFUSED', reason: 'METADATA_HOST' });
  });

  it('passes on a resolver failure as the network error it is', async () => {
    const { error } = await lookup('nowhere.example.com', { all: true });
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
  });

  it('gives the refusal an API form', async () => {
    const { error } = await lookup('mixed.example.com', {});
    if (!isClusterAddressRefusedError(error)) throw new Error('expected a refusal');
    const appError = error.toAppError();
    expect(appError.code).toBe('CLUSTER_ADDRESS_REFUSED');
    expect(appError.details).toEqual({
      reason: 'PRIVATE',
      host: 'mixed.example.com',
      address: '10.0.0.7',
    });
  });
});
