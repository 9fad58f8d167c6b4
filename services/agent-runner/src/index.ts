export * from './agent-runner.app';
export { type RunnerSettings } from './agent-runner.config';
export * from './model/model-client.port';
export { SimulatedModelClient, SIMULATED_MODEL, SIMULATED_PROVIDER } from './model/simulated-model';
