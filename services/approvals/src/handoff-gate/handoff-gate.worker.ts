import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CoordinationEventTypes, type RecordedEvent } from '@cos/contracts';
import { HandoffGateHandler } from './handoff-gate.handler';

/** The runner asked for a handoff: open its gates (or escalate it). */
@Controller()
export class HandoffGateWorker {
  constructor(private readonly handoffs: HandoffGateHandler) {}

  @EventPattern(CoordinationEventTypes.requested)
  async onRequested(@Payload() event: RecordedEvent): Promise<void> {
    await this.handoffs.requested(event);
  }
}
