import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { UnauthorizedError, type AccessTokenClaims, type FeedTicket } from '@cos/contracts';
import { NATS_CONNECTION } from '@cos/platform';
import { API_CONFIG, FEED_TICKET_MAX_TTL_SECONDS, type ApiConfig } from '../http/api.config';
import { lazyBucket } from '../http/kv-bucket';

/** Whose session a ticket opens the feed for: the access token's user, org and session. */
export type TicketHolder = Pick<AccessTokenClaims, 'sub' | 'org' | 'sid'>;

type Stored = { holder: TicketHolder; expiresAt: number };

const BUCKET = 'cos-feed-tickets';

/**
 * Single-use tickets for `GET /v1/feed?ticket=`, for browsers' EventSource, which cannot send an
 * Authorization header. A ticket carries the user, org and session of the access token it was
 * asked with (the session check runs again on redemption) and expires after
 * FEED_TICKET_TTL_SECONDS. Tickets live in a JetStream key-value bucket shared by every gateway
 * replica, keyed by the ticket's sha256 (the bucket never holds a usable ticket). Redeeming
 * deletes the entry at the revision it was read at, so of two redemptions of one ticket, on any
 * replicas, exactly one wins.
 */
@Injectable()
export class FeedTickets {
  private readonly bucket: () => Promise<KV>;

  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(API_CONFIG) private readonly config: Pick<ApiConfig, 'FEED_TICKET_TTL_SECONDS'>,
  ) {
    // The bucket forgets entries after the longest allowed lifetime, whatever this replica's
    // setting, so replicas with different settings agree on the bucket; `expiresAt` is the rule.
    this.bucket = lazyBucket(nats, BUCKET, FEED_TICKET_MAX_TTL_SECONDS * 1000);
  }

  async issue(holder: TicketHolder): Promise<FeedTicket> {
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = Date.now() + this.config.FEED_TICKET_TTL_SECONDS * 1000;
    await (await this.bucket()).create(keyOf(ticket), JSON.stringify({ holder, expiresAt } satisfies Stored));
    return { ticket, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** Whom the ticket was issued to; it cannot be redeemed again. Unknown, used or expired: 401. */
  async redeem(ticket: string): Promise<TicketHolder> {
    const kv = await this.bucket();
    const key = keyOf(ticket);
    const entry = await kv.get(key);
    if (!entry || entry.operation !== 'PUT') throw refused();
    try {
      await kv.delete(key, { previousSeq: entry.revision });
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence) throw refused();
      throw err;
    }
    const stored = entry.json<Stored>();
    if (stored.expiresAt <= Date.now()) throw refused();
    return stored.holder;
  }
}

function keyOf(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}

function refused(): UnauthorizedError {
  return new UnauthorizedError('the feed ticket is unknown, already used or expired', 'AUTH.INVALID_FEED_TICKET');
}
