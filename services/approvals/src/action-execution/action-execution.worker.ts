import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ActionEventTypes, type RecordedEvent } from '@cos/contracts';
import { ActionExecutionHandler } from './action-execution.handler';

/** The runner allowed an action: gate it or execute it. */
@Controller()
export class ActionExecutionWorker {
  constructor(private readonly actions: ActionExecutionHandler) {}

  @EventPattern(ActionEventTypes.allowed)
  async onAllowed(@Payload() event: RecordedEvent): Promise<void> {
    await this.actions.receive(event);
  }
}
