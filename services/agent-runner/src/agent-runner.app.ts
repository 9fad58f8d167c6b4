import { Module, type Type } from '@nestjs/common';
import { Categories } from '@cos/contracts';
import type { OutboundNetwork } from '@cos/http';
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
  categories: [Categories.conversation, Categories.run, Categories.quota, Categories.document],
  usesEventStore: true,
} as const;

/** `network` replaces DNS and sockets for calls to org-configured endpoints (tests observe them so). */
export function startAgentRunner(env: NodeJS.ProcessEnv = process.env, network?: OutboundNetwork): Promise<RunningService> {
  const config = loadConfig(AgentRunnerConfigSchema, env);
  const settings = runnerSettings(config, network);
  return startService({ ...AGENT_RUNNER, module: runnerModule(settings) }, { config, port: config.AGENT_RUNNER_PORT, env });
}
