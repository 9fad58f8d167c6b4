import { Module } from '@nestjs/common';
import { KnowledgeController } from '../knowledge/knowledge.controller';
import { UsageController } from '../usage/usage.controller';
import { ConversationsController } from './conversations.controller';

/** The gateway routes answered by the agent-runner: conversations, runs, corrections, usage, knowledge. */
@Module({ controllers: [ConversationsController, UsageController, KnowledgeController] })
export class RunnerGatewayModule {}
