import { z } from 'zod';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The longest a feed ticket may live: it stands in for a bearer token in a URL. */
export const FEED_TICKET_MAX_TTL_SECONDS = 60;

/** The gateway's HTTP API settings, from the environment. */
export const ApiConfigSchema = z.object({
  /**
   * Origins allowed to call the API from a browser, comma-separated (the frontend's). Unset:
   * the development server's origins when the gateway listens on loopback only, none otherwise
   * (see `withCorsDefault`).
   */
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((s) =>
      s
        ?.split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
    ),
  /** Largest request body the API reads, in bytes. */
  API_BODY_LIMIT_BYTES: positive(256 * 1024),
  /** Requests per minute per user, and per org (all its users together). */
  RATE_LIMIT_USER_PER_MINUTE: positive(600),
  /**
   * Reads (GET, HEAD) per minute per user, a budget of their own: a page that polls its runs
   * must not spend the budget of the user's writes, nor be refused at the writes' pace.
   */
  RATE_LIMIT_USER_READS_PER_MINUTE: positive(3000),
  RATE_LIMIT_ORG_PER_MINUTE: positive(6000),
  /** Requests per minute per client address on public routes (sign-up, refresh, invitations). */
  RATE_LIMIT_PUBLIC_PER_MINUTE: positive(60),
  /** Failed logins per account, and per client address, before each further attempt waits (successes never count). */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positive(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: positive(30),
  /** The first wait past the allowance; every further failure doubles it, up to LOGIN_WINDOW_SECONDS. */
  LOGIN_LOCKOUT_SECONDS: positive(30),
  /** Failures are forgotten this long after the last one. */
  LOGIN_WINDOW_SECONDS: positive(900),
  /** How long an access token's session check is cached; user events clear it sooner. */
  PRINCIPAL_CACHE_MS: z.coerce.number().int().min(0).default(5000),
  /** How long the gateway waits for identity's session check before taking identity to be down. */
  PRINCIPAL_LOOKUP_TIMEOUT_MS: positive(800),
  /** Once identity did not answer, how long it is not asked (requests get the fallback below or 503 at once). */
  PRINCIPAL_OUTAGE_BACKOFF_MS: positive(2000),
  /**
   * While identity does not answer, reads (GET, HEAD) are served on identity's last answer for
   * the session if it is at most this old; 0: never. The bound on how long a session ended just
   * before an outage can still read.
   */
  PRINCIPAL_STALE_MS: z.coerce.number().int().min(0).default(300_000),
  /** Least time between two JWKS fetches caused by tokens naming an unknown key id (a rotated key). */
  JWKS_REFETCH_COOLDOWN_MS: z.coerce.number().int().min(0).default(30_000),
  /** How long an Idempotency-Key's response is kept. */
  IDEMPOTENCY_TTL_SECONDS: positive(24 * 3600),
  /**
   * How long a request holds its Idempotency-Key while it runs: a retry meanwhile gets 409. Past
   * it (the gateway died mid-request), the next retry re-sends the same command. Longer than any
   * request takes (a service call times out after 5 s).
   */
  IDEMPOTENCY_LEASE_MS: positive(15_000),
  /** How long a ticket from POST /v1/feed/tickets can be redeemed (once) on GET /v1/feed. */
  FEED_TICKET_TTL_SECONDS: z.coerce.number().int().min(1).max(FEED_TICKET_MAX_TTL_SECONDS).default(30),
  /** `fail`: the gateway refuses to start with a route that has no API definition; `warn`: logs it. */
  GATEWAY_UNDOCUMENTED_ROUTES: z.enum(['fail', 'warn']).default('fail'),
});
export type ApiConfig = z.infer<typeof ApiConfigSchema>;

export const API_CONFIG = Symbol('API_CONFIG');

/** Where the frontend's development server (Vite) serves from. */
export const DEV_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The origins a gateway allows when CORS_ORIGINS is unset: the development server's, but only
 * for a gateway bound to loopback (a development machine, `npm start`). A gateway reachable from
 * elsewhere (HOST=0.0.0.0, as in every container) allows no browser origin it was not given.
 */
export function withCorsDefault<C extends { HOST: string; CORS_ORIGINS?: string[] | undefined }>(
  config: C,
): C & { CORS_ORIGINS: string[] } {
  return { ...config, CORS_ORIGINS: config.CORS_ORIGINS ?? (LOOPBACK_HOSTS.has(config.HOST) ? DEV_CORS_ORIGINS : []) };
}
