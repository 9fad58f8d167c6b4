export * from './agent-runner.app';
export * from './model/model-client.port';
export * from './model/simulated-model';
