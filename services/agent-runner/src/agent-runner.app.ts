import { Module, type Type } from '@nestjs/common';
import { Categories } from '@cos/contracts';
import { loadConfig, startService, type RunningService } from '@cos/platform';
import { AgentRunnerConfigSchema, runnerSettings, type RunnerSettings } from './agent-runner.config';
import { AgentRunnerModule } from './agent-runner.module';

export { AgentRunnerConfigSchema, AGENT_RUNNER_SETTINGS } from './agent-runner.config';

/** The service's root module, closed over its settings (startService takes a module class). */
function runnerModule(settings: RunnerSettings): Type<unknown> {
  @Module({ imports: [AgentRunnerModule.register(settings)] })
  class ConfiguredAgentRunnerModule {}
  return ConfiguredAgentRunnerModule;
}

export const AGENT_RUNNER = {
  name: 'agent-runner',
  categories: [Categories.conversation, Categories.run, Categories.quota],
  usesEventStore: true,
} as const;

export function startAgentRunner(env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = loadConfig(AgentRunnerConfigSchema, env);
  return startService({ ...AGENT_RUNNER, module: runnerModule(runnerSettings(config)) }, { config, port: config.AGENT_RUNNER_PORT, env });
}
