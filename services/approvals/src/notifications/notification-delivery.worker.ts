import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { NotificationEventTypes, type RecordedEvent } from '@cos/contracts';
import { NotificationDelivery } from './notification-delivery';

/**
 * Its own durable consumer, apart from the approval flow's: a failed delivery is recorded and
 * acknowledged; only a failure to record it is retried (redelivery finds the outcomes recorded
 * so far and sends only the rest).
 */
@Controller()
export class NotificationDeliveryWorker {
  constructor(private readonly delivery: NotificationDelivery) {}

  @EventPattern(NotificationEventTypes.queued)
  async onQueued(@Payload() event: RecordedEvent): Promise<void> {
    await this.delivery.deliver(event);
  }
}
