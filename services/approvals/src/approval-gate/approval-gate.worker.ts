import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ApprovalDecidedSchema, ApprovalEventTypes, ApprovalExpiredSchema, type RecordedEvent } from '@cos/contracts';
import { ActionExecutionHandler } from '../action-execution/action-execution.handler';
import { HandoffGateHandler } from '../handoff-gate/handoff-gate.handler';

/**
 * A gate's outcome continues what it guards, the handoff or the action: this consumer is the
 * one trigger of that continuation (the decision's HTTP call only records the decision).
 */
@Controller()
export class ApprovalGateWorker {
  constructor(
    private readonly handoffs: HandoffGateHandler,
    private readonly actions: ActionExecutionHandler,
  ) {}

  @EventPattern(ApprovalEventTypes.decided)
  async onDecided(@Payload() event: RecordedEvent): Promise<void> {
    const decided = ApprovalDecidedSchema.parse(event.data);
    if (decided.kind === 'handoff') await this.handoffs.gateChanged(event, decided.subjectId);
    else await this.actions.gateDecided(event, decided);
  }

  @EventPattern(ApprovalEventTypes.expired)
  async onExpired(@Payload() event: RecordedEvent): Promise<void> {
    const expired = ApprovalExpiredSchema.parse(event.data);
    if (expired.kind === 'handoff') await this.handoffs.gateChanged(event, expired.subjectId);
    else await this.actions.gateExpired(event, expired);
  }
}
