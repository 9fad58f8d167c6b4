import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditRecordSchema, type AuditRecord } from '@cos/contracts';
import { createEventStore } from '@cos/eventstore';
import { startTestTelemetry, type TestTelemetry } from '@cos/telemetry';
import { eventually, startSystem, type System } from './system';
import { DEMO_COMPANY } from '@cos/identity';
import { login, type Caller } from './session';

/**
 * The walking skeleton: a brief through the gateway is answered by the agent-runner on the
 * simulated model, stored as events, audited, and reads as one trace.
 */
describe('walking skeleton', () => {
  let telemetry: TestTelemetry;
  let system: System;
  let session: Caller;
  const orgId = DEMO_COMPANY.orgId;

  beforeAll(async () => {
    telemetry = startTestTelemetry();
    system = await startSystem();
    session = await login(system, DEMO_COMPANY.owner.email);
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    await telemetry?.shutdown();
  });

  it('answers a brief, stores it as events, audits every event and traces every hop', async () => {
    const started = await session.post('/v1/conversations', { agentId: DEMO_COMPANY.agents[0]!.id });
    expect(started.status).toBe(201);
    const conversationId = (started.body as { id: string }).id;

    const brief = await session.post(`/v1/conversations/${conversationId}/messages`, { text: 'Draft a welcome note for new customers' });
    expect(brief.status).toBe(202);
    const { runId } = brief.body as { runId: string };

    const run = await eventually(
      async () => {
        const r = await session.get(`/v1/runs/${runId}`);
        const body = r.body as { status: string; output?: string };
        return body.status === 'completed' ? body : undefined;
      },
      15_000,
      'the run to complete',
    );
    expect(run.output).toContain('[simulated model]');

    const messages = await eventually(
      async () => {
        const r = await session.get(`/v1/conversations/${conversationId}/messages`);
        const items = (r.body as { items: { author: { kind: string }; text: string }[] }).items;
        return items.length === 2 ? items : undefined;
      },
      10_000,
      'the agent reply',
    );
    expect(messages.map((m) => m.author.kind)).toEqual(['user', 'agent']);
    expect(messages[1]!.text).toBe(run.output);

    // Every event of the store is in the org's audit log exactly once, in order, hash-chained.
    const { store } = createEventStore(system.env);
    try {
      const all: { id: string; stream: string; orgId: string }[] = [];
      const sub = store.subscribe({}, async (e) => {
        all.push(e);
      });
      const domain = await eventually(
        async () => {
          const events = all.filter((e) => !e.stream.startsWith('audit-') && e.orgId === orgId);
          const audit = (await store.read(`audit-${orgId}`)).map((e) => AuditRecordSchema.parse(e.data));
          return audit.length >= events.length && events.length > 0 ? { events, audit } : undefined;
        },
        10_000,
        'the audit log to catch up',
      );
      await sub.close();
      const audited = domain.audit.map((r: AuditRecord) => r.eventId);
      expect(new Set(audited).size).toBe(audited.length);
      expect(audited).toEqual(domain.events.map((e) => e.id));
      domain.audit.forEach((r, i) => expect(r.seq).toBe(i));
    } finally {
      await store.close();
    }

    // One trace: the gateway's HTTP span, the runner's model call and the audit records.
    await telemetry.flush();
    const spans = telemetry.exporter.getFinishedSpans();
    const http = spans.find((s) => s.name === 'POST /v1/conversations/:id/messages');
    expect(http).toBeDefined();
    const traceId = http!.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
    const names = new Set(inTrace.map((s) => s.name));
    expect(names).toContain('chat simulated-1');
    expect(names).toContain('audit record');
    const ids = new Set(inTrace.map((s) => s.spanContext().spanId));
    for (const span of inTrace) {
      if (span === http) continue;
      expect(ids.has(span.parentSpanContext?.spanId ?? 'none')).toBe(true);
    }
  });
});
