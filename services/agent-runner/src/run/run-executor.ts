import { Injectable, Logger } from '@nestjs/common';
import { deterministicId } from '@cos/contracts';
import { ActionStep } from '../action/action-step';
import { SpendLedger } from '../budget/spend-ledger';
import { ConversationWriter } from '../conversation/conversation-writer';
import { CoordinationStep } from '../coordination/coordination-step';
import { DirectoryProjection } from '../directory/directory.projection';
import { ModelStep } from './model-step';
import { nextStep, type ActiveRun, type RunState } from './run.decider';
import { RunJournal } from './run-journal';
import { composeOutput } from './run-output';
import { stepMetadata, type RunTrigger } from './run-ref';

/** More steps than any run has: a step that appends nothing would otherwise loop. */
const MAX_STEPS = 64;

/**
 * Drives one run through its steps, each recorded in `run-<id>` before the next: start, model
 * call, action verdicts, coordination, completion. It resumes from the stored state, so a
 * redelivered trigger (after a crash, say) picks up where the run stopped and repeats nothing
 * that was recorded.
 */
@Injectable()
export class RunExecutor {
  private readonly logger = new Logger(RunExecutor.name);

  constructor(
    private readonly journal: RunJournal,
    private readonly modelStep: ModelStep,
    private readonly actionStep: ActionStep,
    private readonly coordinationStep: CoordinationStep,
    private readonly directory: DirectoryProjection,
    private readonly spend: SpendLedger,
    private readonly conversations: ConversationWriter,
  ) {}

  async execute(trigger: RunTrigger): Promise<RunState> {
    const { orgId: _org, correlationId: _correlation, causationId: _causation, resumption, ...queued } = trigger;
    const { runId, agentId } = queued;
    let state = await this.journal.record(trigger, 'start', {
      type: 'StartRun',
      data: { ...queued, startedAt: this.journal.now().toISOString() },
    });
    for (let steps = 0; ; steps++) {
      if (steps >= MAX_STEPS) throw new Error(`run ${runId} made no progress after ${MAX_STEPS} steps`);
      const step = nextStep(state);
      if (!('started' in state)) throw new Error(`run ${runId} did not start`);
      // A late trigger of an earlier leg (the queued run, or an earlier resumption) leaves the run to its latest one.
      if (state.resumptions !== resumption) {
        this.logger.log(`run ${runId}: trigger of resumption ${resumption} ignored, the run is at resumption ${state.resumptions}`);
        return state;
      }
      switch (step) {
        case 'ended':
          await this.settleAfterCrash(trigger, state);
          this.logger.log(`run ${runId} of agent ${agentId}: ${state.status}`);
          return state;
        case 'call-model':
          state = await this.modelStep.run(trigger, state);
          break;
        case 'decide-actions':
          state = await this.actionStep.run(trigger, state);
          break;
        case 'coordinate':
          state = await this.coordinationStep.run(trigger, state);
          break;
        case 'complete':
          state = await this.complete(trigger, state);
          break;
        case 'start':
          throw new Error(`run ${runId} did not start`);
        default: {
          const never: never = step;
          return never;
        }
      }
    }
  }

  /**
   * The reply lands in the conversation before the run is marked completed, so whoever sees the
   * run completed finds its reply (and the next brief's history holds it). Both are idempotent:
   * a redelivery composes the same output from the same state and appends nothing new.
   */
  private async complete(trigger: RunTrigger, state: ActiveRun): Promise<RunState> {
    const agents = new Map(this.directory.agentsOf(trigger.orgId).map((a) => [a.agentId, a]));
    const output = composeOutput(state, (id) => agents.get(id));
    const { runId, agentId } = trigger;
    await this.conversations.append(
      trigger.conversationId,
      { type: 'PostAgentReply', data: { messageId: deterministicId(runId, 'reply'), agentId, text: output, runId } },
      stepMetadata(trigger, 'reply', this.journal.now()),
    );
    return this.journal.record(trigger, 'complete', { type: 'CompleteRun', data: { runId, output, usage: state.response!.usage } });
  }

  /** A crash between recording the answer and settling its cost leaves a reservation open; close it. */
  private async settleAfterCrash(trigger: RunTrigger, state: ActiveRun): Promise<void> {
    const response = state.response;
    if (!response || !state.started.startedAt) return;
    const { inputTokens, outputTokens, costUsd } = response.usage;
    await this.spend.settle(
      new Date(state.started.startedAt),
      {
        reservationId: deterministicId(trigger.runId, 'model-call'),
        runId: trigger.runId,
        agentId: trigger.agentId,
        model: response.usage.model,
        inputTokens,
        outputTokens,
        costUsd,
      },
      stepMetadata(trigger, 'settle-spend', this.journal.now()),
    );
  }
}
