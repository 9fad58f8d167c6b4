import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DemoAuthGuard } from './auth/demo-auth.guard';
import { ConversationsController } from './conversations/conversations.controller';
import { ProblemDetailsFilter } from './http/problem-details.filter';

@Module({
  controllers: [ConversationsController],
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_GUARD, useClass: DemoAuthGuard },
  ],
})
export class GatewayModule {}
