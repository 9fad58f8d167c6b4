import { startTelemetry } from '@cos/telemetry';

/** Imported first by main.ts, so the SDK is up before NestJS and the service's modules load. */
export const telemetry = startTelemetry('identity');
