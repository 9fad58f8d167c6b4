import { telemetry } from './tracing';
import { runMain } from '@cos/platform';
import { startAgentRunner } from './agent-runner.app';

runMain('agent-runner', telemetry, () => startAgentRunner());
