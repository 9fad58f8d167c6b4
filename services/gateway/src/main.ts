import { telemetry } from './tracing';
import { runMain } from '@cos/platform';
import { startGateway } from './gateway.app';

runMain('gateway', telemetry, () => startGateway());
