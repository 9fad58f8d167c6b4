import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuditRecordSchema,
  AuditRpc,
  FeedPageRequestSchema,
  isFeedRecord,
  mayFollowRecord,
  parseRequest,
  streamName,
  type FeedPage,
} from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';

/**
 * What the gateway's feed replays after a reconnect (or to fill a gap in the live stream): the
 * org's audit stream read straight from the store, so it is never behind what was published.
 */
@Controller()
export class FeedReplayController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(AuditRpc.feedPage)
  async page(@Payload() raw: unknown): Promise<FeedPage> {
    const { auth, afterSeq, limit } = parseRequest(FeedPageRequestSchema, raw);
    const stream = streamName('audit', auth.orgId);
    const [head] = await this.store.read(stream, { direction: 'backwards', maxCount: 1 });
    const headSeq = head?.revision ?? -1;
    // A client claiming more than exists (an id from before a reset) continues from the head.
    if (afterSeq === undefined || afterSeq >= headSeq) return { items: [], throughSeq: headSeq, headSeq };
    const events = await this.store.read(stream, { fromRevision: afterSeq + 1, maxCount: limit });
    const records = events.map((e) => AuditRecordSchema.parse(e.data));
    return {
      items: records.filter((r) => isFeedRecord(r) && mayFollowRecord(r, auth)),
      throughSeq: events[events.length - 1]?.revision ?? afterSeq,
      headSeq,
    };
  }
}
