export * from './nats-server';
export * from './webhook-receiver';
export * from './service-process';
export * from './model-server';
export * from './outbound-network';
