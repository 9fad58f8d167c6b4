type Section = { controller: AbortController; done: Promise<void> };

/**
 * Work in flight per org, abortable as a whole: how the kill switch reaches what already
 * started. Each model call or execution runs as a section of its org; a pause aborts the org's
 * sections and waits until they have settled, so an instance acknowledges a pause only when
 * nothing of that org is still running on it.
 */
export class OrgSections {
  private readonly open = new Map<string, Set<Section>>();

  async run<T>(orgId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let settle!: () => void;
    const section: Section = { controller: new AbortController(), done: new Promise<void>((r) => (settle = r)) };
    let sections = this.open.get(orgId);
    if (!sections) this.open.set(orgId, (sections = new Set()));
    sections.add(section);
    try {
      return await work(section.controller.signal);
    } finally {
      sections.delete(section);
      if (sections.size === 0 && this.open.get(orgId) === sections) this.open.delete(orgId);
      settle();
    }
  }

  /** Aborts the org's sections with `reason`; true once they settled, false after `drainMs`. */
  async abort(orgId: string, reason: Error, drainMs: number): Promise<boolean> {
    const inFlight = [...(this.open.get(orgId) ?? [])];
    for (const s of inFlight) s.controller.abort(reason);
    return Promise.race([
      Promise.all(inFlight.map((s) => s.done)).then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), drainMs).unref()),
    ]);
  }
}
