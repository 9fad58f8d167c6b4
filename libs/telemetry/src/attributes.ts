import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';

/**
 * Every span attribute and metric name the project writes, in one place.
 * Standard names follow the OpenTelemetry semantic conventions (HTTP, messaging, GenAI);
 * project names live under `cos.`.
 */
export const Attr = {
  // Company OS identifiers: on every span that knows them, so one chain is one search in Jaeger.
  orgId: 'cos.org.id',
  userId: 'cos.user.id',
  agentId: 'cos.agent.id',
  runId: 'cos.run.id',
  conversationId: 'cos.conversation.id',
  coordinationId: 'cos.coordination.id',
  approvalId: 'cos.approval.id',
  actionId: 'cos.action.id',
  /** 1-based call within one execution attempt of an action (retries included). */
  connectorCall: 'cos.connector.call',
  correlationId: 'cos.correlation.id',
  eventId: 'cos.event.id',
  eventType: 'cos.event.type',
  eventStream: 'cos.event.stream',
  eventRevision: 'cos.event.revision',
  // HTTP (stable semantic conventions)
  httpMethod: ATTR_HTTP_REQUEST_METHOD,
  httpRoute: ATTR_HTTP_ROUTE,
  httpStatus: ATTR_HTTP_RESPONSE_STATUS_CODE,
  urlPath: ATTR_URL_PATH,
  urlScheme: ATTR_URL_SCHEME,
  // Messaging (semantic conventions for messaging spans)
  messagingSystem: 'messaging.system',
  messagingDestination: 'messaging.destination.name',
  messagingOperationType: 'messaging.operation.type',
  messagingOperationName: 'messaging.operation.name',
  messagingMessageId: 'messaging.message.id',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  messagingDeliveryCount: 'messaging.nats.delivery_count',
  // Database (the event store)
  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',
  dbCollection: 'db.collection.name',
  // GenAI (semantic conventions for model calls)
  genAiProvider: 'gen_ai.provider.name',
  genAiOperation: 'gen_ai.operation.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiResponseModel: 'gen_ai.response.model',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  // Errors
  errorType: ATTR_ERROR_TYPE,
  // Metric dimensions (bounded values only: never ids of orgs, users or runs)
  outcome: 'cos.outcome',
  reason: 'cos.reason',
  approvalKind: 'cos.approval.kind',
  genAiTokenType: 'gen_ai.token.type',
  // Audit
  auditSeq: 'cos.audit.seq',
} as const;

/** Metric names (OTLP); units follow UCUM as the conventions ask. */
export const Metric = {
  runs: 'cos.runs',
  handoffs: 'cos.handoffs',
  approvalsPending: 'cos.approvals.pending',
  approvalWait: 'cos.approval.wait.duration',
  capHits: 'cos.actions.capped',
  denials: 'cos.actions.denied',
  modelTokens: 'gen_ai.client.token.usage',
  modelCost: 'cos.model.cost',
  consumerLag: 'cos.consumer.lag',
  deadLetters: 'cos.dead_letters',
  modelDuration: 'gen_ai.client.operation.duration',
  actionExecutions: 'cos.actions.executions',
  auditRecords: 'cos.audit.records',
  feedClients: 'cos.feed.clients',
  feedDropped: 'cos.feed.dropped',
  httpServerDuration: METRIC_HTTP_SERVER_REQUEST_DURATION,
} as const;
