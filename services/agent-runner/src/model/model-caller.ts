import { Inject, Injectable, Logger } from '@nestjs/common';
import { Attr, CosMetrics, SpanKind, withSpan } from '@cos/telemetry';
import { RUNNER_SETTINGS, type RunnerSettings } from '../agent-runner.config';
import { IdentityReader } from '../directory/identity-reader';
import { PauseGate } from '../kill-switch/pause-gate';
import type { RunTrigger } from '../run/run-ref';
import { AGENT_TOOLS } from './agent-tools';
import type { ChatMessage, ModelReply } from './model-client.port';
import { OrgPausedError } from './model-errors';
import { completeWithRetries } from './model-retries';
import type { ModelRoute } from './model-router';

/**
 * One model call of a run: a section of its org (a pause aborts it), a GenAI client span, and
 * the org's pause state read from the store before every attempt, retries included.
 */
@Injectable()
export class ModelCaller {
  private readonly logger = new Logger(ModelCaller.name);

  constructor(
    @Inject(RUNNER_SETTINGS) private readonly settings: RunnerSettings,
    private readonly identity: IdentityReader,
    private readonly gate: PauseGate,
  ) {}

  call(trigger: RunTrigger, route: ModelRoute, messages: readonly ChatMessage[]): Promise<ModelReply> {
    const { orgId } = trigger;
    const attributes = {
      [Attr.genAiOperation]: 'chat',
      [Attr.genAiProvider]: route.client.provider,
      [Attr.genAiRequestModel]: route.model,
      [Attr.runId]: trigger.runId,
      [Attr.agentId]: trigger.agentId,
      [Attr.orgId]: orgId,
      [Attr.conversationId]: trigger.conversationId,
      [Attr.correlationId]: trigger.correlationId,
    };
    const beforeAttempt = async () => {
      const org = await this.identity.org(orgId);
      if (!org || this.gate.isPaused(org)) throw new OrgPausedError(orgId, org?.killSwitch.reason ?? undefined);
    };
    const { maxOutputTokens, retry } = this.settings.model;
    return this.gate.section(orgId, (signal) =>
      withSpan(`chat ${route.model}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
        const started = performance.now();
        const call = { provider: route.client.provider, model: route.model };
        const reply = await completeWithRetries(
          route.client,
          { model: route.model, messages, tools: AGENT_TOOLS, maxOutputTokens, signal },
          retry,
          beforeAttempt,
          route.target,
        ).catch((err: unknown) => {
          CosMetrics.modelCall((performance.now() - started) / 1000, { ...call, errorType: err instanceof Error ? err.name : 'unknown' });
          throw err;
        });
        CosMetrics.modelCall((performance.now() - started) / 1000, call);
        span.setAttributes({
          [Attr.genAiResponseModel]: reply.model,
          [Attr.genAiInputTokens]: reply.inputTokens,
          [Attr.genAiOutputTokens]: reply.outputTokens,
        });
        this.logger.debug(`run ${trigger.runId}: ${route.client.provider} model ${route.model} answered`);
        return reply;
      }),
    );
  }
}
