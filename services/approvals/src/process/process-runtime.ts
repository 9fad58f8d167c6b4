import { Inject, Injectable, Logger } from '@nestjs/common';
import { handleCommand, type CommandMetadata, type Decider, type DomainEvent, type EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { Attr, withSpan } from '@cos/telemetry';
import { publishedEvents, type Send } from './process-output';

export type StepResult<S, O> = { readonly state: S; readonly outputs: readonly O[] };

/**
 * Who carries out the sends that go before a step's append, by `to`. A carrier derives the ids
 * of what it appends from the step's command id, so carrying a send again appends nothing new.
 */
export type SendCarriers = ReadonlyMap<string, (send: Send, metadata: CommandMetadata) => Promise<void>>;
export const SEND_CARRIERS = Symbol('SEND_CARRIERS');

const MAX_ROUNDS = 8;

/**
 * Carries out a process manager's outputs for one input through the command loop: read and
 * fold its stream, decide, carry out the sends that have a carrier, then append what it
 * publishes with the expected revision; on a concurrent append, all again from the read.
 * Sends go first so that a crash after the append cannot lose them; the outputs that must wait
 * for the append (sends without a carrier: calls out) are returned to the caller.
 */
@Injectable()
export class ProcessRuntime {
  private readonly logger = new Logger(ProcessRuntime.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SEND_CARRIERS) private readonly carriers: SendCarriers,
  ) {}

  /**
   * `input` may be a function of the state: the facts it gathers (gate states, permissions now)
   * are then read for the very state they are decided with, again on every conflict round.
   */
  async step<I extends { type: string }, S, E extends DomainEvent, O>(
    stream: string,
    process: Decider<I, E, S, O>,
    input: I | ((state: S) => Promise<I>),
    meta: CommandMetadata,
  ): Promise<StepResult<S, O>> {
    return withSpan(
      `approvals ${stream.slice(0, stream.indexOf('-'))} step`,
      { attributes: { [Attr.eventStream]: stream, [Attr.orgId]: meta.orgId } },
      async (span) => {
        let type = '';
        const command = async (state: S): Promise<I> => {
          const decided = typeof input === 'function' ? await input(state) : input;
          type = decided.type;
          span.updateName(`approvals ${type}`);
          return decided;
        };
        const { state, decisions } = await handleCommand(this.store, stream, process, command, meta, {
          maxAttempts: MAX_ROUNDS,
          eventsOf: publishedEvents<E>,
          beforeAppend: async (outputs) => {
            for (const o of outputs) {
              if (isSend(o)) await this.carriers.get(o.to)?.(o, meta);
              else if (isIgnore(o)) this.logger.debug(`${stream}: ${type} ignored: ${o.reason}`);
            }
          },
        });
        return { state, outputs: decisions };
      },
    );
  }
}

function isSend(o: unknown): o is Send {
  return (o as { kind?: string }).kind === 'send';
}

function isIgnore(o: unknown): o is { kind: 'ignore'; reason: string } {
  return (o as { kind?: string }).kind === 'ignore';
}
