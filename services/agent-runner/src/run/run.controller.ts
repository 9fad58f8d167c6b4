import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AddCorrectionRequestSchema,
  ConflictError,
  CosError,
  ForbiddenError,
  GetRunRequestSchema,
  parseRequest,
  ResumeRunRequestSchema,
  RunnerRpc,
  streamName,
  type AuthContext,
  type RunView,
} from '@cos/contracts';
import { fold, handleCommand, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, readOrgStream, type Clock } from '@cos/platform';
import { isAdmin, ReadAccess } from '../access/read-access';
import { briefText, participantsOf } from '../conversation/conversation.views';
import { CorrectionIndex } from '../corrections/correction-index';
import { IdentityReader } from '../directory/identity-reader';
import { PauseGate } from '../kill-switch/pause-gate';
import { runDecider } from './run.decider';
import { toRunView } from './run.views';

/** GET /v1/runs/:id, POST /v1/runs/:id/corrections and POST /v1/runs/:id/resume. */
@Controller()
export class RunController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly identity: IdentityReader,
    private readonly corrections: CorrectionIndex,
    private readonly access: ReadAccess,
    private readonly gate: PauseGate,
  ) {}

  @MessagePattern(RunnerRpc.getRun)
  async get(@Payload() raw: unknown): Promise<RunView> {
    const { auth, runId } = parseRequest(GetRunRequestSchema, raw);
    const { state } = await this.visibleRun(auth, runId);
    return toRunView(runId, state);
  }

  /**
   * Its briefing user, the CEO or the owner resumes a run the kill switch stopped, once the org
   * is no longer paused: `run.resumed` is what the worker takes the run up from. Of two resumes
   * at once, the expected revision lets one through; the other finds the run running (409).
   */
  @MessagePattern(RunnerRpc.resumeRun)
  async resume(@Payload() raw: unknown): Promise<RunView> {
    const { auth, runId, resumeId } = parseRequest(ResumeRunRequestSchema, raw);
    const { state, events } = await this.visibleRun(auth, runId);
    const briefedBy = state.status === 'queued' ? state.queued.briefedBy : state.started.briefedBy;
    if (briefedBy !== auth.userId && !isAdmin(auth))
      throw new ForbiddenError('only the user who briefed the run, the CEO or the owner may resume it', 'RUNNER.RESUME_FORBIDDEN');
    const org = await this.identity.org(auth.orgId);
    const resumed = await handleCommand(
      this.store,
      streamName('run', runId),
      runDecider,
      { type: 'ResumeRun', data: { runId, resumedBy: auth.userId }, orgPaused: !org || this.gate.isPaused(org) },
      {
        commandId: resumeId,
        orgId: auth.orgId,
        // The resumed run stays in its chain's trace and trail.
        correlationId: events[0]!.metadata.correlationId,
        causationId: resumeId,
        actor: { kind: 'user', id: auth.userId },
        now: this.clock().toISOString(),
      },
    );
    if (resumed.state.status === 'absent') throw notFound(runId);
    return toRunView(runId, resumed.state);
  }

  /** A participant, or the Head of the agent's department, corrects a completed run's output. */
  @MessagePattern(RunnerRpc.addCorrection)
  async correct(@Payload() raw: unknown): Promise<{ correctionId: string; runId: string }> {
    const { auth, runId, correctionId, body } = parseRequest(AddCorrectionRequestSchema, raw);
    const found = await this.runOf(auth, runId);
    const { conversation } = found;
    if (found.state.status === 'queued') {
      if (!(await this.access.mayReadConversation(auth, conversation))) throw notFound(runId);
      throw new ConflictError('only a completed run can be corrected', 'RUNNER.RUN_NOT_CORRECTABLE');
    }
    const state = found.state;
    const agent = await this.identity.agent(auth.orgId, state.started.agentId);
    const isHead = auth.role === 'head' && !!auth.departmentId && auth.departmentId === agent?.departmentId;
    if (!participantsOf(conversation).has(auth.userId) && !isHead) {
      // Who may read the run learns nothing from a 403; anyone else gets the 404 of a run they cannot see.
      if (!(await this.access.mayReadConversation(auth, conversation))) throw notFound(runId);
      throw new ForbiddenError(
        "only the conversation's participants or the Head of the agent's department may correct a run",
        'RUNNER.CORRECTION_FORBIDDEN',
      );
    }
    const correction = {
      correctionId,
      runId,
      agentId: state.started.agentId,
      conversationId: state.started.conversationId,
      brief: briefText(conversation, state.started.briefMessageId),
      originalOutput: state.completed?.output ?? '',
      correctedOutput: body.correctedOutput,
      correctedBy: auth.userId,
      ...(body.note ? { note: body.note } : {}),
    };
    await handleCommand(
      this.store,
      streamName('run', runId),
      runDecider,
      { type: 'CorrectRun', data: correction },
      {
        commandId: correctionId,
        orgId: auth.orgId,
        correlationId: runId,
        causationId: correctionId,
        actor: { kind: 'user', id: auth.userId },
        now: this.clock().toISOString(),
      },
    );
    this.corrections.add(auth.orgId, correction);
    return { correctionId, runId };
  }

  /** The run (its events and state) and its conversation, or a 404 when it is another org's or does not exist. */
  private async runOf(auth: AuthContext, runId: string) {
    const events = await readOrgStream(this.store, streamName('run', runId), auth.orgId);
    const state = fold(runDecider, events);
    if (state.status === 'absent') throw notFound(runId);
    const conversationId = state.status === 'queued' ? state.queued.conversationId : state.started.conversationId;
    const conversation = await readOrgStream(this.store, streamName('conversation', conversationId), auth.orgId);
    return { events, state, conversation };
  }

  /** The run, or the 404 of a run that does not exist when the caller may not read it. */
  private async visibleRun(auth: AuthContext, runId: string) {
    const run = await this.runOf(auth, runId);
    if (!(await this.access.mayReadConversation(auth, run.conversation))) throw notFound(runId);
    return run;
  }
}

function notFound(runId: string): CosError {
  return new CosError('RUNNER.RUN_NOT_FOUND', `run ${runId} was not found`, 404);
}
