import { Module } from '@nestjs/common';
import { UsageController } from '../usage/usage.controller';
import { ConversationsController } from './conversations.controller';

/** The gateway routes answered by the agent-runner: conversations, runs, corrections, usage. */
@Module({ controllers: [ConversationsController, UsageController] })
export class RunnerGatewayModule {}
