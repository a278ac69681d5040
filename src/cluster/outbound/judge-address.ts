import type { AddressRefusalReason } from './address-refusal.js';
import {
  cidrContains,
  parseCidr,
  parseIpAddress,
  type Cidr,
  type IpAddress,
} from './ip-address.js';
import {
  compileOutboundPolicy,
  type CompiledOutboundPolicy,
  type OutboundPolicy,
} from './outbound-policy.js';

interface RefusedRange {
  cidr: Cidr;
  reason: AddressRefusalReason;
}

/** First match wins, so narrower ranges come before the ranges that contain them. */
const refusedRanges: readonly RefusedRange[] = (
  [
    // Cloud instance metadata: AWS, GCP, Azure, OpenStack, ... ; Alibaba; AWS over IPv6.
    ['169.254.169.254/32', 'METADATA_ADDRESS'],
    ['100.100.100.200/32', 'METADATA_ADDRESS'],
    ['fd00:ec2::254/128', 'METADATA_ADDRESS'],

    ['0.0.0.0/8', 'UNSPECIFIED'],
    ['10.0.0.0/8', 'PRIVATE'],
    ['100.64.0.0/10', 'CGNAT'],
    ['127.0.0.0/8', 'LOOPBACK'],
    ['169.254.0.0/16', 'LINK_LOCAL'],
    ['172.16.0.0/12', 'PRIVATE'],
    ['192.0.0.0/24', 'RESERVED'],
    ['192.0.2.0/24', 'DOCUMENTATION'],
    ['192.88.99.0/24', 'RESERVED'],
    ['192.168.0.0/16', 'PRIVATE'],
    ['198.18.0.0/15', 'BENCHMARK'],
    ['198.51.100.0/24', 'DOCUMENTATION'],
    ['203.0.113.0/24', 'DOCUMENTATION'],
    ['224.0.0.0/4', 'MULTICAST'],
    ['255.255.255.255/32', 'BROADCAST'],
    ['240.0.0.0/4', 'RESERVED'],

    ['::/128', 'UNSPECIFIED'],
    ['::1/128', 'LOOPBACK'],
    ['fc00::/7', 'PRIVATE'],
    ['fe80::/10', 'LINK_LOCAL'],
    ['fec0::/10', 'PRIVATE'],
    ['ff00::/8', 'MULTICAST'],
    ['2001:db8::/32', 'DOCUMENTATION'],
    ['3fff::/20', 'DOCUMENTATION'],
    ['2001:2::/48', 'BENCHMARK'],
    // IETF protocol assignments, Teredo (2001::/32) among them: tunnels to addresses we cannot see.
    ['2001::/23', 'RESERVED'],
  ] as const
).map(([cidr, reason]) => ({ cidr: parseCidr(cidr), reason }));

/** Only 2000::/3 is allocated for global unicast; the rest of IPv6 is reserved or local. */
const globalUnicast = parseCidr('2000::/3');

/** IPv6 forms that carry an IPv4 address, which is what a packet would really reach. */
const ipv4Embeddings: readonly { cidr: Cidr; extract: (value: bigint) => bigint }[] = [
  // IPv4-mapped ::ffff:a.b.c.d: a dual-stack socket connects to the IPv4 address itself.
  { cidr: parseCidr('::ffff:0:0/96'), extract: (value) => value & 0xffffffffn },
  // NAT64 well-known prefix: the translator forwards to the embedded IPv4 address.
  { cidr: parseCidr('64:ff9b::/96'), extract: (value) => value & 0xffffffffn },
  // 6to4: 2002:aabb:ccdd::/48 is routed to the IPv4 address aa.bb.cc.dd.
  { cidr: parseCidr('2002::/16'), extract: (value) => (value >> 80n) & 0xffffffffn },
];

/**
 * Why an address must not be connected to, or undefined when it may be. An address inside one of
 * the policy's allowCidrs is always allowed; otherwise the default refusals apply. IPv4 carried
 * inside IPv6 (mapped, NAT64, 6to4) is judged as that IPv4 address.
 */
export function judgeAddress(ip: string, policy: OutboundPolicy): AddressRefusalReason | undefined {
  return judgeAddressWithPolicy(ip, compileOutboundPolicy(policy));
}

/** True when kubegrade must not connect to `ip`; anything that is not an IP address is refused. */
export function isAddressRefused(ip: string, policy: OutboundPolicy): boolean {
  return judgeAddress(ip, policy) !== undefined;
}

/** judgeAddress for callers that judge many addresses and parse the policy once. */
export function judgeAddressWithPolicy(
  ip: string,
  policy: CompiledOutboundPolicy,
): AddressRefusalReason | undefined {
  const address = parseIpAddress(ip);
  return address === undefined ? 'INVALID_ADDRESS' : judgeParsedAddress(address, policy);
}

function judgeParsedAddress(
  address: IpAddress,
  policy: CompiledOutboundPolicy,
): AddressRefusalReason | undefined {
  if (policy.allowCidrs.some((cidr) => cidrContains(cidr, address))) return undefined;
  if (address.version === 6) {
    const embedding = ipv4Embeddings.find(({ cidr }) => cidrContains(cidr, address));
    if (embedding) {
      return judgeParsedAddress({ version: 4, value: embedding.extract(address.value) }, policy);
    }
  }
  const refused = refusedRanges.find(({ cidr }) => cidrContains(cidr, address));
  if (refused) return refused.reason;
  if (address.version === 6 && !cidrContains(globalUnicast, address)) return 'RESERVED';
  return undefined;
}
