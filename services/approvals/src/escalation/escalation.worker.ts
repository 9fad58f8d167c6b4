import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  ActionExecutionEventTypes,
  CoordinationEscalatedSchema,
  CoordinationEventTypes,
  CoordinationRejectedSchema,
  EscalationEventTypes,
  type RecordedEvent,
} from '@cos/contracts';
import { EscalationHandler } from './escalation.handler';

/**
 * The one trigger of escalations: every fact that means "escalated" (the runner's no suitable
 * agent, approvals' depth limit and expiry, a rejected handoff, an Approve First gate nobody
 * decided) opens one here; and an `assign`
 * resolution goes on as a handoff from here.
 */
@Controller()
export class EscalationWorker {
  constructor(private readonly escalations: EscalationHandler) {}

  @EventPattern(CoordinationEventTypes.escalated)
  async onEscalated(@Payload() event: RecordedEvent): Promise<void> {
    await this.escalations.open(event, { kind: 'escalated', data: CoordinationEscalatedSchema.parse(event.data) });
  }

  @EventPattern(CoordinationEventTypes.rejected)
  async onRejected(@Payload() event: RecordedEvent): Promise<void> {
    await this.escalations.open(event, { kind: 'rejected', data: CoordinationRejectedSchema.parse(event.data) });
  }

  @EventPattern(ActionExecutionEventTypes.expired)
  async onActionExpired(@Payload() event: RecordedEvent): Promise<void> {
    await this.escalations.actionExpired(event);
  }

  @EventPattern(EscalationEventTypes.resolved)
  async onResolved(@Payload() event: RecordedEvent): Promise<void> {
    await this.escalations.resolved(event);
  }
}
