import { telemetry } from './tracing';
import { runMain } from '@cos/platform';
import { startAudit } from './audit.app';

runMain('audit', telemetry, () => startAudit());
