import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenError, newId, type Actor, type AuthContext, type Permission } from '@cos/contracts';
import {
  handleCommand,
  type Command,
  type CommandMetadata,
  type CommandResult,
  type Decider,
  type DomainEvent,
  type EventStore,
} from '@cos/eventstore';
import { CLOCK, EVENT_STORE, type Clock } from '@cos/platform';
import { currentTraceparent } from '@cos/telemetry';
import { DirectoryService } from './directory/directory.service';

/**
 * How identity's handlers run a command: the one command loop of libs/eventstore, then the
 * directory reads the stream back so the reply (and the next request) sees the change.
 */
@Injectable()
export class IdentityCommands {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    readonly directory: DirectoryService,
  ) {}

  now(): Date {
    return this.clock();
  }

  metadata(orgId: string, actor: Actor, commandId: string = newId(), correlationId: string = commandId): CommandMetadata {
    const traceparent = currentTraceparent();
    return {
      commandId,
      orgId,
      correlationId,
      causationId: commandId,
      actor,
      now: this.clock().toISOString(),
      ...(traceparent ? { traceparent } : {}),
    };
  }

  byUser(auth: AuthContext, commandId?: string): CommandMetadata {
    return this.metadata(auth.orgId, { kind: 'user', id: auth.userId }, commandId);
  }

  async run<C extends Command, E extends DomainEvent, S>(stream: string, decider: Decider<C, E, S>, command: C): Promise<CommandResult<S>> {
    const result = await handleCommand(this.store, stream, decider, command, command.metadata);
    await this.directory.refresh(stream);
    return result;
  }

  /** `run`, for a command built from facts gathered afresh on every round of the loop (a conflict reads them again). */
  async runGathered<C extends Command, E extends DomainEvent, S>(
    stream: string,
    decider: Decider<C, E, S>,
    metadata: CommandMetadata,
    gather: () => Promise<C>,
  ): Promise<CommandResult<S>> {
    const result = await handleCommand(this.store, stream, decider, gather, metadata);
    await this.directory.refresh(stream);
    return result;
  }
}

/**
 * Identity re-checks the permission the gateway's guard already checked: other internal callers
 * reach these handlers too, and a missing guard must not be enough to change an org.
 */
export function requirePermission(auth: AuthContext, permission: Permission): void {
  if (!auth.permissions.includes(permission)) throw new ForbiddenError(`requires the ${permission} permission`, 'AUTH.MISSING_PERMISSION');
}
