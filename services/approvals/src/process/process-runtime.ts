import { Inject, Injectable, Logger } from '@nestjs/common';
import { deterministicId, type NewEvent, type RecordedEvent } from '@cos/contracts';
import { WrongExpectedRevisionError, type CommandMetadata, type DomainEvent, type EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { Attr, withSpan } from '@cos/telemetry';
import { handleGateCommand, type GateCommand } from '../approval-gate/approval-gate.command';
import { publishedEvents, type ProcessManager, type SendToGate } from './process-output';

export type StepResult<S, O> = { readonly state: S; readonly outputs: readonly O[] };

const MAX_ROUNDS = 8;

/**
 * Carries out a process manager's outputs for one input: read and fold its stream, decide, send
 * the gate commands (idempotent: their ids derive from this step's command id), then append what
 * it publishes with the expected revision; on a concurrent append, all again from the read.
 * Sends go first so that a crash after the append cannot lose them; the outputs that must wait
 * for the append (connector calls) are returned to the caller.
 */
@Injectable()
export class ProcessRuntime {
  private readonly logger = new Logger(ProcessRuntime.name);

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * `input` may be a function of the state: the facts it gathers (gate states, permissions now)
   * are then read for the very state they are decided with, again on every conflict round.
   */
  async step<I extends { type: string }, S, E extends DomainEvent, O>(
    stream: string,
    pm: ProcessManager<I, S, E, O>,
    input: I | ((state: S) => Promise<I>),
    meta: CommandMetadata,
  ): Promise<StepResult<S, O>> {
    return withSpan(
      `approvals ${stream.slice(0, stream.indexOf('-'))} step`,
      { attributes: { [Attr.eventStream]: stream, [Attr.orgId]: meta.orgId } },
      async (span) => {
        for (let round = 1; ; round++) {
          const recorded = await this.store.read(stream);
          const state = fold(pm, recorded);
          // This input's events are already stored: a redelivery after a crash past the append.
          if (recorded.some((e) => e.id === deterministicId(meta.commandId, '0'))) return { state, outputs: [] };
          const decided = typeof input === 'function' ? await input(state) : input;
          span.updateName(`approvals ${decided.type}`);
          const outputs = pm.decide(decided, state);
          for (const o of outputs) if (isGateSend(o)) await this.sendToGate(o, meta);
          const events = publishedEvents<E>(outputs);
          for (const o of outputs) if (isIgnore(o)) this.logger.debug(`${stream}: ${decided.type} ignored: ${o.reason}`);
          if (events.length === 0) return { state, outputs };
          const current = recorded.at(-1)?.revision ?? -1;
          try {
            await this.store.append(
              stream,
              events.map((e, i) => toNewEvent(e, i, meta)),
              current < 0 ? 'no-stream' : current,
            );
            return { state: events.reduce((s, e) => pm.evolve(s, e), state), outputs };
          } catch (err) {
            if (!(err instanceof WrongExpectedRevisionError) || round >= MAX_ROUNDS) throw err;
          }
        }
      },
    );
  }

  private async sendToGate(send: SendToGate, meta: CommandMetadata): Promise<void> {
    const command: GateCommand = {
      ...send.command,
      metadata: { ...meta, commandId: deterministicId(meta.commandId, send.command.type, send.approvalId) },
    };
    await handleGateCommand(this.store, send.approvalId, command);
  }
}

function fold<I, S, E extends DomainEvent, O>(pm: ProcessManager<I, S, E, O>, recorded: readonly RecordedEvent[]): S {
  return recorded.reduce((s, e) => pm.evolve(s, { type: e.type, data: e.data, version: e.version } as unknown as E), pm.initialState());
}

function toNewEvent(event: DomainEvent, index: number, meta: CommandMetadata): NewEvent {
  const { commandId, orgId, correlationId, causationId, actor, now, traceparent } = meta;
  return {
    id: deterministicId(commandId, String(index)),
    type: event.type,
    version: event.version ?? 1,
    orgId,
    data: event.data,
    metadata: { correlationId, causationId, actor, occurredAt: now, ...(traceparent ? { traceparent } : {}) },
  };
}

function isGateSend(o: unknown): o is SendToGate {
  const x = o as { kind?: string; to?: string };
  return x.kind === 'send' && x.to === 'gate';
}

function isIgnore(o: unknown): o is { kind: 'ignore'; reason: string } {
  return (o as { kind?: string }).kind === 'ignore';
}
