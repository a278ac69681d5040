/**
 * IP addresses as numbers, so that ranges can be compared exactly. Only the canonical textual
 * forms are read here (dotted-quad IPv4, RFC 4291 IPv6); the odd IPv4 spellings that some
 * resolvers accept (`127.1`, `0x7f.1`, `2130706433`) are normalised by the WHATWG URL parser
 * before a host reaches this code, and are otherwise resolved to a canonical address first.
 */
export interface IpAddress {
  version: 4 | 6;
  /** 32 bits for IPv4, 128 bits for IPv6. */
  value: bigint;
}

export interface Cidr {
  version: 4 | 6;
  /** The network address with every host bit clear. */
  network: bigint;
  prefixLength: number;
}

const bitsByVersion = { 4: 32, 6: 128 } as const;

/** Parses `a.b.c.d` with decimal parts 0–255 and no leading zeros. */
export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are refused: some parsers read them as octal, which is how filters are fooled.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

/** Parses RFC 4291 text (with `::` and an optional dotted IPv4 tail); no zone, no brackets. */
export function parseIpv6(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = splitGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? splitGroups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;

  const groups = [...head, ...tail];
  const ipv4Index = groups.findIndex((group) => group.includes('.'));
  // A dotted IPv4 part may only come last, where it stands for the last two groups.
  if (
    ipv4Index !== -1 &&
    (ipv4Index !== groups.length - 1 || (halves.length === 2 && ipv4Index < head.length))
  ) {
    return undefined;
  }
  const groupCount = groups.length + (ipv4Index === -1 ? 0 : 1);
  if (halves.length === 2 ? groupCount > 7 : groupCount !== 8) return undefined;

  const toValue = (list: string[]): { value: bigint; bits: number } | undefined => {
    let value = 0n;
    let bits = 0;
    for (const group of list) {
      if (group.includes('.')) {
        const ipv4 = parseIpv4(group);
        if (ipv4 === undefined) return undefined;
        value = (value << 32n) | ipv4;
        bits += 32;
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
        value = (value << 16n) | BigInt(parseInt(group, 16));
        bits += 16;
      }
    }
    return { value, bits };
  };

  const headValue = toValue(head);
  const tailValue = toValue(tail);
  if (headValue === undefined || tailValue === undefined) return undefined;
  return (headValue.value << BigInt(128 - headValue.bits)) | tailValue.value;
}

function splitGroups(text: string): string[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  return groups.some((group) => group === '') ? undefined : groups;
}

/**
 * Reads an address as it comes from a resolver or a URL: IPv4, IPv6, bracketed IPv6 and an IPv6
 * zone (`fe80::1%eth0`: the zone only picks an interface, the address is judged without it).
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  const ipv4 = parseIpv4(text);
  if (ipv4 !== undefined) return { version: 4, value: ipv4 };
  let candidate = text;
  if (candidate.startsWith('[') && candidate.endsWith(']')) candidate = candidate.slice(1, -1);
  const zone = candidate.indexOf('%');
  if (zone !== -1) candidate = candidate.slice(0, zone);
  const ipv6 = parseIpv6(candidate);
  return ipv6 === undefined ? undefined : { version: 6, value: ipv6 };
}

/** Parses `address/prefix`; a bare address means that one address. Throws naming the entry. */
export function parseCidr(text: string): Cidr {
  const entry = text.trim();
  const slash = entry.indexOf('/');
  const addressText = slash === -1 ? entry : entry.slice(0, slash);
  const parsed = parseBareAddress(addressText);
  if (parsed === undefined) throw new Error(`"${entry}" is not an IPv4 or IPv6 address or CIDR`);

  const bits = bitsByVersion[parsed.version];
  let prefixLength: number = bits;
  if (slash !== -1) {
    const prefixText = entry.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
      throw new Error(
        `"${entry}" has an invalid prefix length (0–${bits} for IPv${parsed.version})`,
      );
    }
    prefixLength = Number(prefixText);
  }
  const network = parsed.value & prefixMask(parsed.version, prefixLength);
  // `10.0.0.1/8` is almost always a typo; refusing it beats silently widening or narrowing.
  if (network !== parsed.value) {
    throw new Error(`"${entry}" has host bits set after the /${prefixLength} prefix`);
  }
  return { version: parsed.version, network, prefixLength };
}

/** An address as written in configuration: no brackets, no zone. */
function parseBareAddress(text: string): IpAddress | undefined {
  const ipv4 = parseIpv4(text);
  if (ipv4 !== undefined) return { version: 4, value: ipv4 };
  const ipv6 = parseIpv6(text);
  return ipv6 === undefined ? undefined : { version: 6, value: ipv6 };
}

function prefixMask(version: 4 | 6, prefixLength: number): bigint {
  const bits = BigInt(bitsByVersion[version]);
  const all = (1n << bits) - 1n;
  return (all << (bits - BigInt(prefixLength))) & all;
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  return (
    cidr.version === address.version &&
    (address.value & prefixMask(cidr.version, cidr.prefixLength)) === cidr.network
  );
}

/** Canonical text of an IPv4 address held as a number, for messages. */
export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}
