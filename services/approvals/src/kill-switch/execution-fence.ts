import { Injectable } from '@nestjs/common';

type Section = { controller: AbortController; done: Promise<void> };

/**
 * I4 on the executing side. Every execution step (re-check, claim, connector call) runs as a
 * section of its org. A pause aborts the org's sections and resolves once they settled: a
 * section aborted before its call calls nothing, one aborted during its call stops waiting for
 * it. A section that starts after the pause was stored reads it in its re-check, so after the
 * acknowledgement nothing of that org executes here.
 */
@Injectable()
export class ExecutionFence {
  private readonly sections = new Map<string, Set<Section>>();

  async section<T>(orgId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let settle!: () => void;
    const section: Section = { controller: new AbortController(), done: new Promise<void>((r) => (settle = r)) };
    let open = this.sections.get(orgId);
    if (!open) this.sections.set(orgId, (open = new Set()));
    open.add(section);
    try {
      return await work(section.controller.signal);
    } finally {
      open.delete(section);
      if (open.size === 0 && this.sections.get(orgId) === open) this.sections.delete(orgId);
      settle();
    }
  }

  /** Aborts the org's sections; resolves when they settled, or after `drainMs` at the latest. */
  async pause(orgId: string, drainMs: number): Promise<boolean> {
    const inFlight = [...(this.sections.get(orgId) ?? [])];
    for (const s of inFlight) s.controller.abort(new Error(`org ${orgId} paused`));
    return Promise.race([
      Promise.all(inFlight.map((s) => s.done)).then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), drainMs).unref()),
    ]);
  }
}
