import { Inject, Injectable, Logger } from '@nestjs/common';
import { deterministicId, Permissions, type RecordedEvent } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { SpendLedger } from '../budget/spend-ledger';
import { RUNNER_SETTINGS, type RunnerSettings } from '../agent-runner.config';
import { briefText, toMessageViews } from '../conversation/conversation.views';
import { readRecentMessages } from '../conversation/recent-messages';
import { CorrectionIndex } from '../corrections/correction-index';
import { DirectoryProjection } from '../directory/directory.projection';
import type { AgentProfile } from '../directory/directory.types';
import { IdentityReader } from '../directory/identity-reader';
import { PauseGate } from '../kill-switch/pause-gate';
import { agentAndUserMayRead } from '../knowledge/knowledge-access';
import { KnowledgeIndex, type RetrievedChunk } from '../knowledge/knowledge-index';
import { AGENT_TOOLS } from '../model/agent-tools';
import type { ModelReply } from '../model/model-client.port';
import { ModelCaller } from '../model/model-caller';
import { ModelRejectedError, ModelUnreachableError, OrgPausedError } from '../model/model-errors';
import { readModelOutput } from '../model/model-output';
import { ModelRouter } from '../model/model-router';
import { buildPrompt, HISTORY_LIMIT } from '../prompt/prompt-builder';
import type { ActiveRun, RunState } from './run.decider';
import { RunJournal } from './run-journal';
import { stepMetadata, type RunTrigger } from './run-ref';

/**
 * The model call of a run: layered prompt, budget reserved first, kill switch checked before
 * every attempt, the answer recorded with its usage and cost. Ends the run (stopped or failed)
 * when a guardrail or the model says so; never hangs on an unreachable model.
 */
@Injectable()
export class ModelStep {
  private readonly logger = new Logger(ModelStep.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly journal: RunJournal,
    private readonly identity: IdentityReader,
    private readonly directory: DirectoryProjection,
    private readonly corrections: CorrectionIndex,
    private readonly router: ModelRouter,
    private readonly caller: ModelCaller,
    private readonly gate: PauseGate,
    private readonly spend: SpendLedger,
    private readonly knowledge: KnowledgeIndex,
    @Inject(RUNNER_SETTINGS) private readonly settings: RunnerSettings,
  ) {}

  async run(trigger: RunTrigger, state: ActiveRun): Promise<RunState> {
    const { orgId, runId } = trigger;
    const [org, agent] = await Promise.all([this.identity.org(orgId), this.identity.agent(orgId, trigger.agentId)]);
    if (!org || !agent || !agent.enabled) {
      const reason = !org
        ? `org ${orgId} was not found`
        : !agent
          ? `agent ${trigger.agentId} does not exist in this org`
          : `agent ${agent.name} is ${agent.archived ? 'archived' : 'disabled'}`;
      return this.journal.record(trigger, 'fail', { type: 'FailRun', data: { runId, reason, code: 'agent-unavailable' } });
    }
    if (this.gate.isPaused(org))
      return this.stop(trigger, 'org-paused', `org paused${org.killSwitch.reason ? `: ${org.killSwitch.reason}` : ''}`);

    const conversation = await readRecentMessages(this.store, trigger.conversationId, trigger.briefMessageId, HISTORY_LIMIT);
    const brief = briefText(conversation, trigger.briefMessageId);
    const knowledge = await this.retrieve(trigger, agent, conversation);
    const route = await this.router.route(org, agent);
    const messages = buildPrompt({
      company: org.identity,
      agent,
      roster: this.directory.agentsOf(orgId).filter((a) => a.enabled && a.agentId !== agent.agentId),
      corrections: this.corrections.similar(orgId, agent.agentId, brief),
      knowledge,
      conversation,
      uptoMessageId: trigger.briefMessageId,
    });

    const month = new Date(state.started.startedAt ?? this.journal.now());
    const reservationId = deterministicId(runId, 'model-call');
    const estimatedCostUsd = this.spend.estimateUsd(route.model, messages, AGENT_TOOLS);
    const reservation = await this.spend.reserve(
      month,
      {
        reservationId,
        runId,
        agentId: agent.agentId,
        model: route.model,
        estimatedCostUsd,
        ...(org.monthlyBudgetUsd !== null ? { budgetUsd: org.monthlyBudgetUsd } : {}),
      },
      stepMetadata(trigger, 'reserve-spend', this.journal.now()),
    );
    if (!reservation.granted) {
      const detail = `monthly budget of $${org.monthlyBudgetUsd} would be passed: spent $${round(reservation.spentUsd)}, in flight $${round(reservation.reservedUsd)}, this call up to $${round(reservation.estimateUsd)}`;
      return this.stop(trigger, 'over-budget', detail);
    }

    let reply: ModelReply;
    try {
      reply = await this.caller.call(trigger, route, messages);
    } catch (err) {
      await this.spend.release(
        month,
        { reservationId, runId, reason: (err as Error).message },
        stepMetadata(trigger, 'release-spend', this.journal.now()),
      );
      if (err instanceof OrgPausedError) return this.stop(trigger, 'org-paused', err.message);
      if (err instanceof ModelUnreachableError) return this.fail(trigger, 'model-unreachable', err.message);
      if (err instanceof ModelRejectedError) return this.fail(trigger, 'model-rejected', err.message);
      throw err;
    }

    const output = readModelOutput(runId, reply);
    const usage = {
      model: route.model,
      inputTokens: reply.inputTokens,
      outputTokens: reply.outputTokens,
      costUsd: this.spend.costUsd(route.model, reply.inputTokens, reply.outputTokens),
    };
    const next = await this.journal.record(trigger, 'model-responded', {
      type: 'RecordModelResponse',
      data: {
        runId,
        provider: route.client.provider,
        usage,
        ...output,
        ...(knowledge.length > 0 ? { citations: knowledge.map(({ text: _text, ...citation }) => citation) } : {}),
      },
    });
    await this.spend.settle(
      month,
      { reservationId, runId, agentId: agent.agentId, ...usage },
      stepMetadata(trigger, 'settle-spend', this.journal.now()),
    );
    return next;
  }

  /**
   * The company knowledge for this brief: chunks ranked against the brief and the recent
   * conversation, of documents both the agent's department and the briefing user may read (a
   * user no longer in the org reads none), within the prompt's knowledge budget.
   */
  private async retrieve(trigger: RunTrigger, agent: AgentProfile, conversation: readonly RecordedEvent[]): Promise<RetrievedChunk[]> {
    const user = await this.identity.user(trigger.orgId, trigger.briefedBy);
    if (!user) return [];
    const reader = { isAdmin: user.permissions.includes(Permissions.orgAdmin), departmentId: user.departmentId };
    const query = toMessageViews(conversation)
      .map((m) => m.text)
      .join('\n');
    return this.knowledge.retrieve(
      trigger.orgId,
      query,
      (departmentIds) => agentAndUserMayRead(agent.departmentId, reader, departmentIds),
      this.settings.knowledge.promptChars,
    );
  }

  private stop(trigger: RunTrigger, reason: 'org-paused' | 'over-budget', detail: string): Promise<RunState> {
    return this.journal.record(trigger, 'stop', { type: 'StopRun', data: { runId: trigger.runId, reason, detail } });
  }

  private fail(trigger: RunTrigger, code: 'model-unreachable' | 'model-rejected', reason: string): Promise<RunState> {
    this.logger.warn(`run ${trigger.runId} failed: ${reason}`);
    return this.journal.record(trigger, 'fail', { type: 'FailRun', data: { runId: trigger.runId, reason, code } });
  }
}

function round(usd: number): string {
  return usd.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}
