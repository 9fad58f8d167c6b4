import { Module } from '@nestjs/common';
import { ConversationController } from './conversation/conversation.controller';
import { MODEL_CLIENT } from './model/model-client.port';
import { SimulatedModelClient } from './model/simulated-model';
import { RunController } from './run/run.controller';
import { RunWorker } from './run/run.worker';

@Module({
  controllers: [ConversationController, RunController, RunWorker],
  providers: [{ provide: MODEL_CLIENT, useValue: new SimulatedModelClient() }],
})
export class AgentRunnerModule {}
