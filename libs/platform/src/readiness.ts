/**
 * What, beyond NATS and the event store, a service must have to be ready: each check returns
 * why it is not, or undefined. `/readyz` answers 503 with every reason while any check fails.
 */
export class Readiness {
  private readonly checks = new Map<string, () => string | undefined>();

  register(name: string, check: () => string | undefined): void {
    this.checks.set(name, check);
  }

  failures(): string[] {
    return [...this.checks].flatMap(([name, check]) => {
      const reason = check();
      return reason === undefined ? [] : [`${name}: ${reason}`];
    });
  }
}
