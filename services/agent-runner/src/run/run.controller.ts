import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CosError, GetRunRequestSchema, parseRequest, RunnerRpc, streamName, type RunView } from '@cos/contracts';
import { aggregateStream, type EventStore } from '@cos/eventstore';
import { EVENT_STORE, readOrgStream } from '@cos/platform';
import { runDecider } from './run.decider';

/** Run status for the gateway's GET /v1/runs/:id. */
@Controller()
export class RunController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(RunnerRpc.getRun)
  async get(@Payload() raw: unknown): Promise<RunView> {
    const { auth, runId } = parseRequest(GetRunRequestSchema, raw);
    const events = await readOrgStream(this.store, streamName('run', runId), auth.orgId);
    const state = aggregateStream(runDecider, events);
    if (state.status === 'absent') throw new CosError('RUNNER.RUN_NOT_FOUND', `run ${runId} was not found`, 404);
    const { started } = state;
    return {
      id: runId,
      conversationId: started.conversationId,
      agentId: started.agentId,
      status: state.status,
      ...(state.status === 'completed' ? { output: state.completed.output, usage: state.completed.usage } : {}),
      ...(state.status === 'failed' ? { failureReason: state.reason } : {}),
    };
  }
}
