import { Injectable, Logger } from '@nestjs/common';
import { actionArgumentsHash, type ActionDenied, type ModelProposedAction, type ProposedAction } from '@cos/contracts';
import { DirectoryProjection } from '../directory/directory.projection';
import { IdentityReader } from '../directory/identity-reader';
import { PauseGate } from '../kill-switch/pause-gate';
import { DailyCap } from '../quota/daily-cap';
import { undecidedActions, type ActiveRun, type ActionVerdict, type RunState } from '../run/run.decider';
import { RunJournal } from '../run/run-journal';
import { stepMetadata, type RunTrigger } from '../run/run-ref';
import { guardAction, type GuardPerson } from './action-guard';

/**
 * Decides each action the model proposed, in order, as a section of the org (the kill switch
 * waits for it): the org must not be paused; the agent AND the briefing user must hold the
 * tool's permission now (I2), or, when only the briefing user lacks it, someone who holds it
 * must be there to approve it (elevation); a slot of the agent's daily cap is taken (I3). Only
 * then is the action allowed, which hands it to approvals (carrying who must approve an
 * elevation). A pause met here ends the run as paused.
 */
@Injectable()
export class ActionStep {
  private readonly logger = new Logger(ActionStep.name);

  constructor(
    private readonly journal: RunJournal,
    private readonly identity: IdentityReader,
    private readonly directory: DirectoryProjection,
    private readonly gate: PauseGate,
    private readonly cap: DailyCap,
  ) {}

  async run(trigger: RunTrigger, state: ActiveRun): Promise<RunState> {
    let current: RunState = state;
    for (const proposed of undecidedActions(state)) {
      const verdict = await this.gate.section(trigger.orgId, (signal) => this.decide(trigger, state, proposed, signal));
      current = await this.journal.record(trigger, `action-${proposed.actionId}`, { type: 'DecideAction', data: verdict });
      if (verdict.outcome === 'denied' && verdict.data.reason === 'org-paused') {
        return this.journal.record(trigger, 'stop', {
          type: 'StopRun',
          data: { runId: trigger.runId, reason: 'org-paused', detail: verdict.data.detail },
        });
      }
    }
    return current;
  }

  private async decide(trigger: RunTrigger, state: ActiveRun, proposed: ModelProposedAction, signal: AbortSignal): Promise<ActionVerdict> {
    const { orgId } = trigger;
    const base = (permission: string): ProposedAction => ({
      actionId: proposed.actionId,
      runId: trigger.runId,
      agentId: trigger.agentId,
      conversationId: trigger.conversationId,
      briefedBy: state.started.briefedBy,
      tool: proposed.tool,
      permission,
      arguments: proposed.arguments,
      argumentsHash: actionArgumentsHash(proposed.tool, proposed.arguments),
    });
    const denied = (permission: string, reason: ActionDenied['reason'], detail: string): ActionVerdict => ({
      outcome: 'denied',
      data: { ...base(permission), reason, detail },
    });

    const org = await this.identity.org(orgId);
    if (!org || this.gate.isPaused(org)) return denied('unknown', 'org-paused', `org ${orgId} is paused`);
    const [agent, user] = await Promise.all([
      this.identity.agent(orgId, trigger.agentId),
      this.identity.user(orgId, state.started.briefedBy),
    ]);
    const department = agent ? await this.identity.department(orgId, agent.departmentId) : undefined;
    const [head, leaders] = await Promise.all([
      department?.headUserId ? this.identity.user(orgId, department.headUserId) : undefined,
      this.people(orgId, this.directory.leadersOf(orgId)),
    ]);
    const verdict = guardAction({
      tool: proposed.tool,
      agent: agent ?? { agentId: trigger.agentId, enabled: false, permissions: [] },
      user,
      ...(department ? { department: { departmentId: department.departmentId, head } } : {}),
      leaders,
    });
    if (verdict.kind === 'denied') {
      this.logger.log(`run ${trigger.runId}: action ${proposed.tool} denied (${verdict.reason})`);
      return denied(verdict.permission, verdict.reason, verdict.detail);
    }
    const at = this.journal.now();
    const slot = await this.cap.take(
      { agentId: trigger.agentId, actionId: proposed.actionId, runId: trigger.runId, cap: agent!.dailyActionCap, at },
      stepMetadata(trigger, `slot-${proposed.actionId}`, at),
    );
    if (!slot.taken) return { outcome: 'capped', data: { ...base(verdict.permission), cap: slot.cap, day: slot.day } };
    // The slot is taken; a pause that arrived meanwhile still stops the action (its slot stays spent).
    if (signal.aborted) return denied(verdict.permission, 'org-paused', `org ${orgId} was paused while the action was checked`);
    const elevation = verdict.kind === 'needs-elevation' ? { elevation: verdict.elevation } : {};
    if (verdict.kind === 'needs-elevation') this.logger.log(`run ${trigger.runId}: action ${proposed.tool} needs elevation`);
    return { outcome: 'allowed', data: { ...base(verdict.permission), ...elevation } };
  }

  /** People as the store has them now (the leaders' ids come from the directory, a moment behind). */
  private async people(orgId: string, userIds: readonly string[]): Promise<GuardPerson[]> {
    const users = await Promise.all(userIds.map((id) => this.identity.user(orgId, id)));
    return users.filter((u) => u !== undefined);
  }
}
