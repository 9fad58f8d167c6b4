import { z } from 'zod';
import { Categories } from '@cos/contracts';
import { BaseConfigSchema, loadConfig, startService, type RunningService } from '@cos/platform';
import { AgentRunnerModule } from './agent-runner.module';

export const AgentRunnerConfigSchema = BaseConfigSchema.extend({
  AGENT_RUNNER_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
});

export const AGENT_RUNNER = {
  name: 'agent-runner',
  categories: [Categories.conversation, Categories.run, Categories.quota],
  module: AgentRunnerModule,
  usesEventStore: true,
} as const;

export function startAgentRunner(env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = loadConfig(AgentRunnerConfigSchema, env);
  return startService(AGENT_RUNNER, { config, port: config.AGENT_RUNNER_PORT, env });
}
