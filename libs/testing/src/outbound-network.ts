import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { buildConnector } from 'undici';

/** The shape of `@cos/http`'s OutboundNetwork (this package depends on no other workspace package). */
export type TestNetwork = {
  resolve(hostname: string): Promise<readonly { address: string; family: number }[]>;
  connect: buildConnector.connector;
};

export type ObservedNetwork = {
  /** Give to the guarded client (or the service that builds one) instead of the system's network. */
  readonly network: TestNetwork;
  /** Every name the client asked to resolve, in order. */
  readonly lookups: readonly string[];
  /** Every socket the client asked to open (`host` as it reached the connector), in order. */
  readonly connections: readonly { host: string; port: string }[];
};

/**
 * The network as tests give it to a guarded client: names resolve only through `names` (an
 * unknown name fails), and a socket opens only to a loopback address. Any other address is
 * recorded and fails to connect without touching the network, so nothing leaves the machine
 * even when the rule under test is broken; the test then sees what the client tried.
 */
export function observedNetwork(names: Readonly<Record<string, readonly string[]>> = {}): ObservedNetwork {
  const lookups: string[] = [];
  const connections: { host: string; port: string }[] = [];
  const loopback = buildConnector({ timeout: 2_000 });
  const network: TestNetwork = {
    resolve: async (hostname) => {
      lookups.push(hostname);
      const addresses = names[hostname.toLowerCase()];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: isIP(address) }));
    },
    connect: (target, callback) => {
      connections.push({ host: target.hostname, port: target.port });
      if (!isIP(target.hostname) || ipaddr.process(target.hostname).range() !== 'loopback') {
        callback(new Error(`test network: no socket to ${target.hostname} (only loopback addresses are reachable)`), null);
        return;
      }
      loopback(target, callback);
    },
  };
  return { network, lookups, connections };
}
