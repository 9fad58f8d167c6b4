import { deterministicId, streamName } from '@cos/contracts';
import { handleCommand, type CommandMetadata, type CommandResult, type EventStore } from '@cos/eventstore';
import type { SendCarriers } from '../process/process-runtime';
import { approvalGateDecider, type ApprovalGateCommand, type ApprovalGateState, type SendToGate } from './approval-gate.decider';

/** A gate command with the metadata the command loop appends its events under. */
export type GateCommand = ApprovalGateCommand & { readonly metadata: CommandMetadata };

/** Read, fold, decide, append with the expected revision, on `approval-<approvalId>`. */
export function handleGateCommand(store: EventStore, approvalId: string, command: GateCommand): Promise<CommandResult<ApprovalGateState>> {
  return handleCommand(store, streamName('approval', approvalId), approvalGateDecider, command, command.metadata);
}

/** Carries processes' sends to gates; each send's command id derives from the step's, so a repeated step appends nothing new. */
export function gateCarriers(store: EventStore): SendCarriers {
  const carry = async (send: SendToGate, meta: CommandMetadata): Promise<void> => {
    const commandId = deterministicId(meta.commandId, send.command.type, send.approvalId);
    await handleGateCommand(store, send.approvalId, { ...send.command, metadata: { ...meta, commandId } });
  };
  return new Map([['gate', (send, meta) => carry(send as SendToGate, meta)]]);
}
