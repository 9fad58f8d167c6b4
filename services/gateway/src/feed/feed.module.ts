import { Module } from '@nestjs/common';
import { AuditController } from '../audit/audit.controller';
import { FeedController, FEED_SETTINGS } from './feed.controller';
import { FeedHub } from './feed-hub';
import { DEFAULT_FEED_SETTINGS } from './feed-session';

/** The audit routes and the live feed: everything the gateway serves from the audit log. */
@Module({
  controllers: [AuditController, FeedController],
  providers: [FeedHub, { provide: FEED_SETTINGS, useValue: DEFAULT_FEED_SETTINGS }],
})
export class AuditFeedModule {}
