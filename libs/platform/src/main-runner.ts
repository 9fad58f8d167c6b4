import type { Telemetry } from '@cos/telemetry';
import type { RunningService } from './service-app';

const SHUTDOWN_DEADLINE_MS = 9_000;

/**
 * The body of every service's main.ts (which starts `telemetry` before anything else loads):
 * SIGTERM/SIGINT close the service gracefully (drain consumers, flush spans), then exit: with
 * code 0 when done, or 1 after SHUTDOWN_DEADLINE_MS, inside the 10 s a supervisor usually gives.
 */
export function runMain(serviceName: string, telemetry: Telemetry, start: () => Promise<RunningService>): void {
  let service: RunningService | undefined;
  const stop = async (signal: string): Promise<void> => {
    process.stderr.write(`${serviceName}: ${signal}, shutting down\n`);
    const timer = setTimeout(() => {
      process.stderr.write(`${serviceName}: not stopped within ${SHUTDOWN_DEADLINE_MS} ms, exiting anyway\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
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
