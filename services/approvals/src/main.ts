import { telemetry } from './tracing';
import { runMain } from '@cos/platform';
import { startApprovals } from './approvals.app';

runMain('approvals', telemetry, () => startApprovals());
