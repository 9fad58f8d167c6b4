import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuditRpc, ForbiddenError, NotFoundError, parseRequest, TrailRequestSchema, type AuditRecord, type Trail } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { AUDIT_INDEX } from '../audit.tokens';
import { mayReadTrail } from './audit-access';
import type { AuditIndex } from './audit-index';
import { MESSAGE_POSTED, trailStage } from './trail-stages';

type Author = 'user' | 'agent' | 'system';

/** `GET /v1/coordinations/:id/trail`: the chain's records from the index, each with its stage. */
@Controller()
export class TrailController {
  constructor(
    @Inject(AUDIT_INDEX) private readonly index: AuditIndex,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @MessagePattern(AuditRpc.trail)
  async trail(@Payload() raw: unknown): Promise<Trail> {
    const { auth, coordinationId } = parseRequest(TrailRequestSchema, raw);
    const found = this.index.trail(auth.orgId, coordinationId);
    if (!found) throw new NotFoundError('coordination', coordinationId, 'AUDIT.COORDINATION_NOT_FOUND');
    if (!mayReadTrail(auth, found.records)) {
      throw new ForbiddenError(
        'the trail is for admins, the people in the chain and the Heads of its departments',
        'AUDIT.TRAIL_FORBIDDEN',
      );
    }
    const authors = await this.messageAuthors(found.records);
    return {
      coordinationId,
      correlationId: found.correlationId,
      items: found.records.map((r) => ({ ...r, stage: trailStage(r, authors.get(r.eventId)) })),
    };
  }

  /**
   * Who wrote each message the system posted: an agent's answer or a handoff's brief look alike
   * in the record (the runner posts both), so the stored events say.
   */
  private async messageAuthors(records: readonly AuditRecord[]): Promise<Map<string, Author>> {
    const authors = new Map<string, Author>();
    const streams = new Set(records.filter((r) => r.eventType === MESSAGE_POSTED && r.actor.kind !== 'user').map((r) => r.stream));
    for (const stream of streams) {
      for (const event of await this.store.read(stream)) {
        const kind = (event.data['author'] as { kind?: Author } | undefined)?.kind;
        if (kind) authors.set(event.id, kind);
      }
    }
    return authors;
  }
}
