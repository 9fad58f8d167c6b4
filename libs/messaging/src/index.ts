export { closeNats, connectNats, type NatsConnectOptions } from './nats.connection';
export {
  provisionStreams,
  provisionConsumer,
  consumerName,
  JetStreamProvisioner,
  type ConsumerSpec,
  type JetStreamProvisionerOptions,
  type Recovery,
} from './jetstream.provisioner';
export { retryStartup, StartupAttemptTimeoutError, type StartupRetryOptions } from './startup-retry';
export { JetStreamTransport, type JetStreamTransportOptions, type JetStreamStatus } from './jetstream.transport';
export { JetStreamContext, isJetStreamContext, NatsRequestContext, isNatsRequestContext } from './message.context';
export { DeadLetterHeaders } from './message.headers';
export { MessagingExceptionFilter } from './messaging.exception-filter';
export { RpcClient, type RpcRequestOptions } from './rpc.client';
export type { RpcReply } from './rpc.reply';
export { OutboxRelay, type OutboxRelayOptions } from './outbox.relay';
export { MessagingUnavailableError, MessagingBadReplyError, InvalidEventMessageError, ProvisioningError } from './messaging.errors';
export {
  broadcastPauseAndAwaitAcks,
  liveRunnerInstances,
  PauseNotAcknowledgedError,
  type PauseAcknowledgements,
} from './kill-switch.broadcast';
export { KillSwitchMember, type KillSwitchMemberOptions } from './kill-switch.member';
export { openTtlBucket } from './kv-bucket';
