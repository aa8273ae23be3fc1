// No SSRF through callbacks: in production a callback host must not resolve to loopback, private,
// link-local, carrier-grade NAT or cloud-metadata addresses (unless the operator allows that host).
// Checked when a caller names a URL and again before every delivery (DNS may have changed).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT (also Alibaba's metadata 100.100.100.200)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, incl. the 169.254.169.254 metadata service
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3], // multicast and reserved
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local, incl. AWS's fd00:ec2::254
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

export class CallbackUrlRefused extends Error {}

export interface SsrfPolicy {
  production: boolean;
  allowPrivateHosts: readonly string[];
  /** DNS lookup (tests may inject one); default node:dns. */
  resolve?: (host: string) => Promise<string[]>;
}

export function isBlockedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Throws CallbackUrlRefused when the policy forbids the URL's host; outside production, everything goes. */
export async function assertCallbackHostAllowed(url: string, policy: SsrfPolicy): Promise<void> {
  if (!policy.production) return;
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'https:' && protocol !== 'http:')
    throw new CallbackUrlRefused(`${protocol} is not allowed`);
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (policy.allowPrivateHosts.includes(host)) return;
  const resolve = policy.resolve ?? defaultResolve;
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch (err) {
    throw new CallbackUrlRefused(`${host} does not resolve: ${(err as Error).message}`);
  }
  const bad = addresses.find(isBlockedAddress);
  if (addresses.length === 0 || bad)
    throw new CallbackUrlRefused(`${host} resolves to ${bad ?? 'nothing'}, a private or reserved address`);
}

async function defaultResolve(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}
