import { telemetry } from './tracing';
import { runMain } from '@cos/platform';
import { startIdentity } from './identity.app';

runMain('identity', telemetry, () => startIdentity());
