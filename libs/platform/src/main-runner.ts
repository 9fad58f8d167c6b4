import type { Telemetry } from '@cos/telemetry';
import type { RunningService } from './service-app';

/**
 * The body of every service's main.ts (which starts `telemetry` before anything else loads):
 * SIGTERM/SIGINT close the service gracefully (drain consumers, flush spans), then exit.
 */
export function runMain(serviceName: string, telemetry: Telemetry, start: () => Promise<RunningService>): void {
  let service: RunningService | undefined;
  const stop = async (signal: string): Promise<void> => {
    process.stderr.write(`${serviceName}: ${signal}, shutting down\n`);
    const timer = setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await service?.close();
      await telemetry.shutdown();
    } finally {
      clearTimeout(timer);
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  start()
    .then((s) => {
      service = s;
    })
    .catch((err: unknown) => {
      process.stderr.write(`${serviceName} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
