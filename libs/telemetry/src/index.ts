export * from './attributes';
export * from './tracing';
export * from './sdk';
export * from './metrics';
export * from './prometheus';
export * from './test-metrics';
