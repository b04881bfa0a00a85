import ipaddr from 'ipaddr.js';

/**
 * Which addresses a webhook may be sent to: public unicast only. Refused, in IPv4 and IPv6:
 * private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback, link-local (169.254/16 with the cloud
 * metadata service, fe80::/10), carrier-grade NAT (100.64/10), unspecified, broadcast, multicast,
 * reserved and documentation ranges, and the IPv6 forms that embed an IPv4 address (mapped,
 * NAT64, 6to4, Teredo), which are judged by the address they carry or refused.
 * `allowLoopback` is for the local stage, where the receiver runs on this machine.
 */
export function refusedAddress(text: string, allowLoopback: boolean): string | undefined {
  if (!ipaddr.isValid(text)) return undefined;
  let address = ipaddr.parse(text);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  const range = address.range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback' && allowLoopback) return undefined;
  return RANGE_NAMES[range] ?? `an address of the ${range} range, not a public one`;
}

const RANGE_NAMES: Record<string, string> = {
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  loopback: 'a loopback address',
  linkLocal: 'a link-local address (this includes the cloud metadata service)',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};
