import { isAddressRefused, judgeAddress } from '../../../src/cluster/outbound/judge-address.js';
import {
  cidrContains,
  parseCidr,
  parseIpAddress,
} from '../../../src/cluster/outbound/ip-address.js';
import {
  parseOutboundPolicy,
  type OutboundPolicy,
} from '../../../src/cluster/outbound/outbound-policy.js';

const noExceptions: OutboundPolicy = { allowCidrs: [], allowHosts: [] };

const refused: [string, string][] = [
  ['127.0.0.1', 'LOOPBACK'],
  ['127.255.255.254', 'LOOPBACK'],
  ['::1', 'LOOPBACK'],
  ['0.0.0.0', 'UNSPECIFIED'],
  ['0.1.2.3', 'UNSPECIFIED'],
  ['::', 'UNSPECIFIED'],
  ['169.254.169.254', 'METADATA_ADDRESS'],
  ['169.254.0.1', 'LINK_LOCAL'],
  ['fe80::1', 'LINK_LOCAL'],
  ['fe80::1%eth0', 'LINK_LOCAL'],
  ['febf:ffff::1', 'LINK_LOCAL'],
  ['10.0.0.1', 'PRIVATE'],
  ['10.255.255.255', 'PRIVATE'],
  ['172.16.0.1', 'PRIVATE'],
  ['172.31.255.255', 'PRIVATE'],
  ['192.168.1.1', 'PRIVATE'],
  ['fd00::1', 'PRIVATE'],
  ['fc00::1', 'PRIVATE'],
  ['fec0::1', 'PRIVATE'],
  ['fd00:ec2::254', 'METADATA_ADDRESS'],
  ['100.64.0.1', 'CGNAT'],
  ['100.127.255.255', 'CGNAT'],
  ['100.100.100.200', 'METADATA_ADDRESS'],
  ['224.0.0.1', 'MULTICAST'],
  ['239.255.255.250', 'MULTICAST'],
  ['ff02::1', 'MULTICAST'],
  ['255.255.255.255', 'BROADCAST'],
  ['240.0.0.1', 'RESERVED'],
  ['192.0.0.8', 'RESERVED'],
  ['192.0.2.10', 'DOCUMENTATION'],
  ['198.51.100.7', 'DOCUMENTATION'],
  ['203.0.113.9', 'DOCUMENTATION'],
  ['2001:db8::1', 'DOCUMENTATION'],
  ['198.18.0.1', 'BENCHMARK'],
  ['198.19.255.255', 'BENCHMARK'],
  ['2001::1', 'RESERVED'], // Teredo
  ['100::1', 'RESERVED'], // discard-only
  ['::7f00:1', 'RESERVED'], // deprecated IPv4-compatible form of 127.0.0.1
  // IPv4 inside IPv6 is judged as the IPv4 address it reaches.
  ['::ffff:127.0.0.1', 'LOOPBACK'],
  ['::ffff:7f00:1', 'LOOPBACK'],
  ['::ffff:169.254.169.254', 'METADATA_ADDRESS'],
  ['::ffff:10.1.2.3', 'PRIVATE'],
  ['64:ff9b::10.0.0.1', 'PRIVATE'],
  ['64:ff9b::a9fe:a9fe', 'METADATA_ADDRESS'],
  ['2002:7f00:1::', 'LOOPBACK'],
  ['2002:c0a8:101::1', 'PRIVATE'],
  ['not-an-ip', 'INVALID_ADDRESS'],
  ['', 'INVALID_ADDRESS'],
  ['1.2.3', 'INVALID_ADDRESS'],
  ['010.0.0.1', 'INVALID_ADDRESS'],
];

describe('judgeAddress with no exceptions', () => {
  it(`refuses ${refused.length} loopback, private, link-local and special addresses`, () => {
    expect(refused.length).toBeGreaterThanOrEqual(30);
    const judged = refused.map(([ip]) => [ip, judgeAddress(ip, noExceptions)]);
    expect(judged).toEqual(refused);
    for (const [ip] of refused) expect(isAddressRefused(ip, noExceptions)).toBe(true);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:1.1.1.1',
    '64:ff9b::808:808',
    '2002:0808:0808::1',
  ])('allows the public address %s (judged only, never connected to)', (ip) => {
    expect(judgeAddress(ip, noExceptions)).toBeUndefined();
  });
});

describe('allowCidrs', () => {
  it('lifts exactly what it lists', () => {
    const policy = { allowCidrs: ['127.0.0.1/32'], allowHosts: [] };
    expect(judgeAddress('127.0.0.1', policy)).toBeUndefined();
    expect(judgeAddress('::ffff:127.0.0.1', policy)).toBeUndefined();
    expect(judgeAddress('127.0.0.2', policy)).toBe('LOOPBACK');
    expect(judgeAddress('::1', policy)).toBe('LOOPBACK');
    expect(judgeAddress('169.254.169.254', policy)).toBe('METADATA_ADDRESS');
  });

  it('lifts a private range without lifting its neighbours', () => {
    const policy = parseOutboundPolicy({ cidrs: '10.20.0.0/16, fd12:3456::/32', hosts: '' });
    expect(judgeAddress('10.20.255.1', policy)).toBeUndefined();
    expect(judgeAddress('10.21.0.1', policy)).toBe('PRIVATE');
    expect(judgeAddress('fd12:3456:ffff::1', policy)).toBeUndefined();
    expect(judgeAddress('fd12:3457::1', policy)).toBe('PRIVATE');
  });
});

describe('parseOutboundPolicy', () => {
  it('reads comma-separated CIDRs and host names, ignoring blanks and case', () => {
    expect(
      parseOutboundPolicy({
        cidrs: ' 127.0.0.1/32, ,::1/128,10.0.0.5',
        hosts: 'Sim.Example.COM.,sim',
      }),
    ).toEqual({
      allowCidrs: ['127.0.0.1/32', '::1/128', '10.0.0.5'],
      allowHosts: ['sim.example.com', 'sim'],
    });
    expect(parseOutboundPolicy({ cidrs: '', hosts: '' })).toEqual({
      allowCidrs: [],
      allowHosts: [],
    });
  });

  it.each([
    ['10.0.0.0/33', '10.0.0.0/33'],
    ['10.0.0.1/8', '10.0.0.1/8'],
    ['10.0.0/8', '10.0.0/8'],
    ['256.0.0.0/8', '256.0.0.0/8'],
    ['fd00::/129', 'fd00::/129'],
    ['fd00:::/8', 'fd00:::/8'],
    ['10.0.0.0/08', '10.0.0.0/08'],
    ['example.com', 'example.com'],
  ])('throws naming the bad CIDR %s', (cidrs, named) => {
    expect(() => parseOutboundPolicy({ cidrs: `127.0.0.1/32,${cidrs}`, hosts: '' })).toThrow(named);
  });

  it('throws naming a bad host name', () => {
    expect(() => parseOutboundPolicy({ cidrs: '', hosts: 'ok.example.com,bad host' })).toThrow(
      '"bad host"',
    );
    expect(() => parseOutboundPolicy({ cidrs: '', hosts: '*.example.com' })).toThrow(
      '*.example.com',
    );
  });
});

describe('IP parsing', () => {
  it.each([
    ['::', 0n],
    ['::1', 1n],
    ['1::', 1n << 112n],
    ['1:2:3:4:5:6:7:8', 0x00010002000300040005000600070008n],
    ['::ffff:1.2.3.4', 0xffff01020304n],
    ['[2606:4700::1111]', 0x26064700000000000000000000001111n],
  ])('reads the IPv6 address %s', (text, value) => {
    expect(parseIpAddress(text)).toEqual({ version: 6, value });
  });

  it.each(['1:2:3:4:5:6:7:8:9', '1::2::3', ':1::', '1.2.3.4::', '12345::', '::1.2.3', 'g::1'])(
    'refuses the malformed address %s',
    (text) => {
      expect(parseIpAddress(text)).toBeUndefined();
    },
  );

  it('matches CIDR boundaries exactly, IPv4 and IPv6', () => {
    const ipv4 = parseCidr('172.16.0.0/12');
    const at = (ip: string) => cidrContains(ipv4, parseIpAddress(ip)!);
    expect([
      at('172.15.255.255'),
      at('172.16.0.0'),
      at('172.31.255.255'),
      at('172.32.0.0'),
    ]).toEqual([false, true, true, false]);
    const ipv6 = parseCidr('fe80::/10');
    expect(cidrContains(ipv6, parseIpAddress('febf:ffff::')!)).toBe(true);
    expect(cidrContains(ipv6, parseIpAddress('fec0::')!)).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0'), parseIpAddress('::1')!)).toBe(false);
  });
});
