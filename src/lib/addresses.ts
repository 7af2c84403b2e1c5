import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Loopback, private, shared (carrier NAT) and link-local ranges: an address in them is a proxy's
 * or a local network's, not one resident's.
 */
const SHARED = new BlockList();
for (const [net, prefix] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
] as const) {
  SHARED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  SHARED.addSubnet(net, prefix, 'ipv6');
}

/** True for an address in those ranges (IPv4, IPv6, or IPv4 mapped into IPv6), and for anything not an address. */
export function isSharedAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1] : ip;
  if (isIPv4(address)) return SHARED.check(address, 'ipv4');
  if (isIPv6(address)) return SHARED.check(address, 'ipv6');
  return true;
}
