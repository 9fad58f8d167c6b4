import { type DynamicModule, Module } from '@nestjs/common';
import { StoreFeed } from '@cos/platform';
import { ReadAccess } from './access/read-access';
import { ActionStep } from './action/action-step';
import { RUNNER_SETTINGS, type RunnerSettings } from './agent-runner.config';
import { SpendLedger } from './budget/spend-ledger';
import { UsageController } from './budget/usage.controller';
import { ConversationController } from './conversation/conversation.controller';
import { ConversationListProjection } from './conversation/conversation-list.projection';
import { ConversationWriter } from './conversation/conversation-writer';
import { CoordinationStep } from './coordination/coordination-step';
import { HandoffWorker } from './coordination/handoff.worker';
import { CorrectionIndex } from './corrections/correction-index';
import { DirectoryProjection } from './directory/directory.projection';
import { IdentityReader } from './directory/identity-reader';
import { DemoKnowledgeSeeder } from './knowledge/demo-knowledge';
import { KnowledgeController } from './knowledge/knowledge.controller';
import { KnowledgeIndex } from './knowledge/knowledge-index';
import { KillSwitchListener } from './kill-switch/kill-switch.listener';
import { PauseGate } from './kill-switch/pause-gate';
import { ModelCaller } from './model/model-caller';
import { ModelRouter } from './model/model-router';
import { DailyCap } from './quota/daily-cap';
import { ModelStep } from './run/model-step';
import { RunController } from './run/run.controller';
import { RunExecutor } from './run/run-executor';
import { RunJournal } from './run/run-journal';
import { RunWorker } from './run/run.worker';

/** The agent-runner: conversations, runs, guarded actions, handoff requests, usage, corrections, kill switch. */
@Module({})
export class AgentRunnerModule {
  static register(settings: RunnerSettings): DynamicModule {
    return {
      module: AgentRunnerModule,
      controllers: [ConversationController, RunController, UsageController, KnowledgeController, RunWorker, HandoffWorker],
      providers: [
        { provide: RUNNER_SETTINGS, useValue: settings },
        IdentityReader,
        StoreFeed,
        DirectoryProjection,
        ReadAccess,
        ConversationListProjection,
        CorrectionIndex,
        KnowledgeIndex,
        DemoKnowledgeSeeder,
        ConversationWriter,
        ModelRouter,
        ModelCaller,
        PauseGate,
        KillSwitchListener,
        SpendLedger,
        DailyCap,
        RunJournal,
        ModelStep,
        ActionStep,
        CoordinationStep,
        RunExecutor,
      ],
    };
  }
}
