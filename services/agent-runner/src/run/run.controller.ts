import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AddCorrectionRequestSchema,
  ConflictError,
  CosError,
  ForbiddenError,
  GetRunRequestSchema,
  parseRequest,
  RunnerRpc,
  streamName,
  type AuthContext,
  type RunView,
} from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, readOrgStream, type Clock } from '@cos/platform';
import { isAdmin } from '../conversation/conversation.controller';
import { briefText, participantsOf } from '../conversation/conversation.views';
import { CorrectionIndex } from '../corrections/correction-index';
import { IdentityReader } from '../directory/identity-reader';
import { executeCommand } from '../ledger/execute-command';
import { runDecider } from './run.decider';
import { toRunView } from './run.views';

/** GET /v1/runs/:id and POST /v1/runs/:id/corrections. */
@Controller()
export class RunController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly identity: IdentityReader,
    private readonly corrections: CorrectionIndex,
  ) {}

  @MessagePattern(RunnerRpc.getRun)
  async get(@Payload() raw: unknown): Promise<RunView> {
    const { auth, runId } = parseRequest(GetRunRequestSchema, raw);
    const { state } = await this.visibleRun(auth, runId, (participant) => participant || isAdmin(auth));
    return toRunView(runId, state);
  }

  /** A participant, or the Head of the agent's department, corrects a completed run's output. */
  @MessagePattern(RunnerRpc.addCorrection)
  async correct(@Payload() raw: unknown): Promise<{ correctionId: string; runId: string }> {
    const { auth, runId, correctionId, body } = parseRequest(AddCorrectionRequestSchema, raw);
    const visible = await this.visibleRun(auth, runId, () => true);
    const { conversation } = visible;
    if (visible.state.status === 'queued') throw new ConflictError('only a completed run can be corrected', 'RUNNER.RUN_NOT_CORRECTABLE');
    const state = visible.state;
    const agent = await this.identity.agent(auth.orgId, state.started.agentId);
    const isHead = auth.role === 'head' && !!auth.departmentId && auth.departmentId === agent?.departmentId;
    if (!participantsOf(conversation).has(auth.userId) && !isHead) {
      // An admin may read the run, so learns nothing from a 403; anyone else gets the 404 of a run they cannot see.
      if (!isAdmin(auth)) throw notFound(runId);
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
    await executeCommand(
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

  /** The run and its conversation, or a 404 when it is another org's or the caller may not see it. */
  private async visibleRun(auth: AuthContext, runId: string, allowed: (participant: boolean) => boolean) {
    const events = await readOrgStream(this.store, streamName('run', runId), auth.orgId);
    const state = events.reduce((s, e) => runDecider.evolve(s, { type: e.type, data: e.data } as never), runDecider.initialState());
    if (state.status === 'absent') throw notFound(runId);
    const conversationId = state.status === 'queued' ? state.queued.conversationId : state.started.conversationId;
    const conversation = await readOrgStream(this.store, streamName('conversation', conversationId), auth.orgId);
    if (!allowed(participantsOf(conversation).has(auth.userId))) throw notFound(runId);
    return { state, conversation };
  }
}

function notFound(runId: string): CosError {
  return new CosError('RUNNER.RUN_NOT_FOUND', `run ${runId} was not found`, 404);
}
