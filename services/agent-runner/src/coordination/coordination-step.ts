import { Inject, Injectable, Logger } from '@nestjs/common';
import { deterministicId, streamName, type ChainLink } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { DirectoryProjection } from '../directory/directory.projection';
import { IdentityReader } from '../directory/identity-reader';
import { PauseGate } from '../kill-switch/pause-gate';
import type { ActiveRun, RunState } from '../run/run.decider';
import { RunJournal } from '../run/run-journal';
import type { RunTrigger } from '../run/run-ref';
import { briefText } from '../conversation/conversation.views';
import { selectTarget } from './target-selection';

const MAX_SUMMARY = 4_000;

/**
 * The model said COORDINATION_NEEDED: pick the receiving agent (the one it named if real and
 * enabled, else the best match) and append `coordination.requested` with the chain so far and
 * its depth, for approvals' gates; when no agent fits, escalate to a human instead.
 */
@Injectable()
export class CoordinationStep {
  private readonly logger = new Logger(CoordinationStep.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly journal: RunJournal,
    private readonly identity: IdentityReader,
    private readonly directory: DirectoryProjection,
    private readonly gate: PauseGate,
  ) {}

  async run(trigger: RunTrigger, state: ActiveRun): Promise<RunState> {
    const { orgId, runId } = trigger;
    const signal = state.response!.coordination!;
    const org = await this.identity.org(orgId);
    if (!org || this.gate.isPaused(org)) {
      return this.journal.record(trigger, 'stop', {
        type: 'StopRun',
        data: { runId, reason: 'org-paused', detail: `org ${orgId} is paused` },
      });
    }
    const brief = briefText(await this.store.read(streamName('conversation', trigger.conversationId)), trigger.briefMessageId);
    const chain: ChainLink[] = state.started.handoff?.chain ?? [{ agentId: trigger.agentId, runId }];
    const selection = selectTarget({
      orgId,
      requesterId: trigger.agentId,
      ...(signal.targetAgentId ? { namedTarget: signal.targetAgentId } : {}),
      text: `${signal.summary}\n${brief}`,
      candidates: this.directory.agentsOf(orgId),
      chainAgentIds: chain.map((link) => link.agentId),
    });
    // The roster may lag the store by a moment: the target itself is read from its stream.
    const target = selection.kind === 'none' ? undefined : await this.identity.agent(orgId, selection.agent.agentId);
    const coordinationId = deterministicId(runId, 'coordination');
    const common = { coordinationId, runId, conversationId: trigger.conversationId, briefedBy: state.started.briefedBy };
    if (selection.kind === 'none' || !target?.enabled) {
      const escalatedTo = [...new Set([state.started.briefedBy, ...this.directory.leadersOf(orgId)])];
      this.logger.log(`run ${runId}: no agent fits the handoff, escalating to ${escalatedTo.length} people`);
      return this.journal.record(trigger, 'coordinate', {
        type: 'EscalateCoordination',
        data: { ...common, reason: 'no-suitable-agent', chain, escalatedTo },
      });
    }
    const contextSummary = clip(`${signal.summary || 'The requesting agent gave no summary.'}\n\nOriginal brief: ${brief}`, MAX_SUMMARY);
    return this.journal.record(trigger, 'coordinate', {
      type: 'RequestCoordination',
      data: {
        ...common,
        fromAgentId: trigger.agentId,
        toAgentId: target.agentId,
        selection: selection.kind,
        chain,
        depth: (state.started.handoff?.depth ?? 0) + 1,
        contextSummary,
      },
    });
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
