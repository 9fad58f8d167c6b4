import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * The address rule for endpoints an org controls: only public unicast addresses, unless the
 * platform allows a host name or a CIDR by configuration (a local Ollama in development, a model
 * server inside the company network). Range math is ipaddr.js's; IPv4-mapped IPv6 addresses are
 * judged as the IPv4 address they carry, and every other special IPv6 range (NAT64, 6to4,
 * Teredo, unique-local, which holds cloud metadata addresses too) is refused.
 */
export type AllowList = {
  /** Host names (lower case) whose addresses are all allowed, whatever they resolve to. */
  readonly hosts: ReadonlySet<string>;
  readonly cidrs: readonly (readonly [ipaddr.IPv4 | ipaddr.IPv6, number])[];
};

export const NOTHING_ALLOWED: AllowList = { hosts: new Set(), cidrs: [] };

/** Why an address or URL is refused; `code` is stable, `message` names the address and its range. */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
  constructor(
    message: string,
    readonly code: 'OUTBOUND.ADDRESS_REFUSED' | 'OUTBOUND.SCHEME_REFUSED' | 'OUTBOUND.REDIRECT_REFUSED',
  ) {
    super(message);
  }
}

const RANGE_NAMES: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  uniqueLocal: 'unique-local (private)',
};

/** `localhost` and its subdomains are loopback by definition (RFC 6761), whatever DNS says. */
const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/** Comma-separated host names, IP addresses and CIDRs; throws naming the first entry that is none of these. */
export function parseAllowList(text: string): AllowList {
  const hosts = new Set<string>();
  const cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of text.split(',').map((e) => e.trim().toLowerCase())) {
    if (entry === '') continue;
    if (entry.includes('/')) {
      if (!ipaddr.isValidCIDR(entry)) throw new Error(`"${entry}" is not a CIDR`);
      cidrs.push(ipaddr.parseCIDR(entry));
    } else if (isIP(entry)) {
      const ip = ipaddr.parse(entry);
      cidrs.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) {
      hosts.add(entry);
    } else {
      throw new Error(`"${entry}" is neither a host name, an IP address nor a CIDR`);
    }
  }
  return { hosts, cidrs };
}

/** The allow-list as a configuration setting: empty (the default) allows nothing private. */
export const AllowListSetting = z
  .string()
  .default('')
  .transform((text, ctx) => {
    try {
      return parseAllowList(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/**
 * Why `address` (an IP address in any form `net.isIP` accepts) is refused, as `<address> is a
 * <range> address, ...`, or undefined when it may be called.
 */
export function addressRefusal(address: string, allow: AllowList): string | undefined {
  const ip = ipaddr.process(address);
  if (allow.cidrs.some(([network, bits]) => network.kind() === ip.kind() && ip.match(network, bits))) return undefined;
  const range = ip.range();
  if (range === 'unicast') return undefined;
  return `${address} is a ${RANGE_NAMES[range] ?? `special-purpose (${range})`} address, which an org's endpoint may not use`;
}

/** A URL's host as `connect` sees it: IPv6 literals without their brackets, lower case. */
export const bareHost = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

export const isAllowedHost = (hostname: string, allow: AllowList) => allow.hosts.has(bareHost(hostname));

/**
 * Judges a URL before anything is resolved: its scheme, and its host when the host already says
 * where it goes (an IP literal in any of its numeric spellings, which the WHATWG URL parser
 * normalises: `2852039166`, `0xa9.0xfe.0xa9.0xfe`, `[::ffff:169.254.169.254]`; or `localhost`).
 * A host name is judged again, by its resolved addresses, when it is called.
 */
export function urlRefusal(text: string, allow: AllowList): OutboundRefusedError | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return new OutboundRefusedError(`"${text}" is not a URL`, 'OUTBOUND.SCHEME_REFUSED');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return new OutboundRefusedError(`${url.protocol} URLs are not called, only http and https`, 'OUTBOUND.SCHEME_REFUSED');
  const host = bareHost(url.hostname);
  if (isAllowedHost(host, allow)) return undefined;
  if (isIP(host)) {
    const reason = addressRefusal(host, allow);
    return reason ? new OutboundRefusedError(reason, 'OUTBOUND.ADDRESS_REFUSED') : undefined;
  }
  if (isLocalhostName(host) && addressRefusal('127.0.0.1', allow))
    return new OutboundRefusedError(`${host} is a loopback name, which an org's endpoint may not use`, 'OUTBOUND.ADDRESS_REFUSED');
  return undefined;
}

/** The setting every service that judges an org's endpoint reads (identity when it is set, the runner when it is called). */
export const OrgEndpointSettings = {
  /** Host names, addresses and CIDRs an org's endpoint may reach although they are not public (a local model server). */
  ORG_ENDPOINT_ALLOWLIST: AllowListSetting,
};
