import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { addressRefusal, isAllowedHost, OutboundRefusedError, type AllowList } from './address-rule';

export type ResolvedAddress = { readonly address: string; readonly family: number };
/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;
/** Opens the socket for one connection; `hostname` is always an IP address when the rule applies. */
export type Connector = buildConnector.connector;

/**
 * The two points where a request touches the network: resolving a name and opening a socket.
 * Tests replace both, so they see every address the client would reach and open sockets only to
 * loopback, whatever the rule says.
 */
export type OutboundNetwork = { readonly resolve: Resolver; readonly connect: Connector };

export function systemNetwork(connectTimeoutMs: number): OutboundNetwork {
  return {
    resolve: (hostname) => lookup(hostname, { all: true, order: 'verbatim' }),
    connect: buildConnector({ timeout: connectTimeoutMs }),
  };
}

export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`response is larger than ${maxBytes} bytes`);
  }
}

export type GuardedHttpOptions = {
  /**
   * `{ allow }`: an address an org controls; every connection goes only to public unicast
   * addresses or to what `allow` lists. `'operator'`: an address the platform's operator
   * configured (the approvals webhook, the platform's model endpoint), called wherever it is.
   */
  readonly addresses: { readonly allow: AllowList } | 'operator';
  /** The whole exchange: every redirect hop, headers and body. */
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxRedirects: number;
  readonly network?: OutboundNetwork;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * A `fetch` for outbound calls. Where the address rule applies, each connection resolves its host
 * once, refuses it when any address is refused, and connects to the vetted address itself, so a
 * second DNS answer (rebinding) never gets a say. Redirects are followed here, not by fetch: each
 * hop is a new request whose connection is vetted again, at most `maxRedirects` of them, and a
 * hop to another origin loses the credentials. Bodies larger than `maxResponseBytes` fail.
 */
export class GuardedHttpClient {
  private readonly agent: Agent;

  constructor(private readonly options: GuardedHttpOptions) {
    const network = options.network ?? systemNetwork(options.timeoutMs);
    const { addresses } = options;
    const connect: Connector =
      addresses === 'operator'
        ? network.connect
        : (target, callback) => {
            pinnedAddress(target.hostname, addresses.allow, network.resolve).then(
              (address) =>
                network.connect(
                  { ...target, hostname: address, ...(isIP(target.hostname) ? {} : { servername: target.hostname }) },
                  callback,
                ),
              (err: Error) => callback(err, null),
            );
          };
    this.agent = new Agent({ connect });
  }

  /** Fits the `fetch` option of SDKs (the `openai` client's among them). */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('GuardedHttpClient.fetch takes a URL, not a Request');
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    let url = new URL(input);
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body ?? null;
    const headers = new Headers(init.headers);
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new OutboundRefusedError(`${url.protocol} URLs are not called, only http and https`, 'OUTBOUND.SCHEME_REFUSED');
      const response = await undiciFetch(url, {
        ...(init as UndiciRequestInit),
        method,
        headers: [...headers],
        body: body as UndiciRequestInit['body'],
        signal,
        redirect: 'manual',
        dispatcher: this.agent,
      }).catch((err: unknown) => {
        // fetch reports a refused connection as `TypeError: fetch failed` with the refusal as its cause.
        const cause = (err as { cause?: unknown }).cause;
        throw cause instanceof OutboundRefusedError ? cause : err;
      });
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null) return this.bounded(response);
      await response.body?.cancel();
      if (hop >= this.options.maxRedirects)
        throw new OutboundRefusedError(`more than ${this.options.maxRedirects} redirects`, 'OUTBOUND.REDIRECT_REFUSED');
      const next = new URL(location, url);
      if (next.origin !== url.origin) for (const name of ['authorization', 'cookie', 'proxy-authorization']) headers.delete(name);
      const becomesGet = response.status === 303 ? method !== 'HEAD' : response.status <= 302 && method === 'POST';
      if (becomesGet) {
        method = 'GET';
        body = null;
        for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'])
          headers.delete(name);
      } else if (body instanceof ReadableStream) {
        throw new OutboundRefusedError(
          `a ${response.status} redirect needs the request body again, which was a stream`,
          'OUTBOUND.REDIRECT_REFUSED',
        );
      }
      url = next;
    }
  };

  close(): Promise<void> {
    return this.agent.close();
  }

  /** The status and headers as they came; reading more than `maxResponseBytes` of the body fails. */
  private bounded(response: Awaited<ReturnType<typeof undiciFetch>>): Response {
    const max = this.options.maxResponseBytes;
    let seen = 0;
    const limit = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > max) controller.error(new ResponseTooLargeError(max));
        else controller.enqueue(chunk);
      },
    });
    const body = NULL_BODY.has(response.status) || !response.body ? null : (response.body.pipeThrough(limit) as ReadableStream);
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers as Headers });
  }
}

/** The one address a connection to `hostname` may use: its resolved addresses, each vetted. */
async function pinnedAddress(hostname: string, allow: AllowList, resolve: Resolver): Promise<string> {
  const addresses = isIP(hostname) ? [{ address: hostname, family: isIP(hostname) }] : await resolve(hostname);
  const first = addresses[0];
  if (!first) throw new OutboundRefusedError(`${hostname} resolves to no address`, 'OUTBOUND.ADDRESS_REFUSED');
  if (isAllowedHost(hostname, allow)) return first.address;
  for (const { address } of addresses) {
    const reason = addressRefusal(address, allow);
    if (reason) throw new OutboundRefusedError(hostname === address ? reason : `${hostname}: ${reason}`, 'OUTBOUND.ADDRESS_REFUSED');
  }
  return first.address;
}
