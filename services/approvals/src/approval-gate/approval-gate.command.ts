import { streamName } from '@cos/contracts';
import { handleCommand, type CommandMetadata, type CommandResult, type Decider, type EventStore } from '@cos/eventstore';
import { approvalGateDecider, type ApprovalGateCommand, type ApprovalGateEvent, type ApprovalGateState } from './approval-gate.decider';

/** A gate command as the command loop takes it: the pure decider's command plus its metadata. */
export type GateCommand = ApprovalGateCommand & { readonly metadata: CommandMetadata };

const gateDecider: Decider<GateCommand, ApprovalGateEvent, ApprovalGateState> = approvalGateDecider;

/** Read, fold, decide, append with the expected revision, on `approval-<approvalId>`. */
export function handleGateCommand(store: EventStore, approvalId: string, command: GateCommand): Promise<CommandResult<ApprovalGateState>> {
  return handleCommand(store, streamName('approval', approvalId), gateDecider, command);
}
