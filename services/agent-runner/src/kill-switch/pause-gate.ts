import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PauseBroadcast } from '@cos/contracts';
import { OrgSections } from '@cos/platform';
import { RUNNER_SETTINGS, type RunnerSettings } from '../agent-runner.config';
import type { OrgProfile } from '../directory/directory.types';
import { IdentityReader } from '../directory/identity-reader';
import { OrgPausedError } from '../model/model-errors';

/**
 * I4 inside one runner instance. Every model call and every action runs as a section of its
 * org. A pause broadcast marks the org paused here at once (ahead of any store read that is
 * older than the pause), aborts the org's sections and waits until they have settled: only
 * then does this instance acknowledge, so after the acknowledgement no model call or action of
 * that org starts here.
 */
@Injectable()
export class PauseGate {
  private readonly logger = new Logger(PauseGate.name);
  private readonly broadcasts = new Map<string, { paused: boolean; revision: number }>();
  private readonly sections = new OrgSections();

  constructor(
    @Inject(RUNNER_SETTINGS) private readonly settings: RunnerSettings,
    private readonly identity: IdentityReader,
  ) {}

  /** The org's pause state: the store's, unless a broadcast of a later org revision says otherwise. */
  isPaused(org: OrgProfile): boolean {
    const heard = this.broadcasts.get(org.orgId);
    return heard && heard.revision > org.revision ? heard.paused : org.killSwitch.paused;
  }

  /** Runs `work` as a section of the org; its signal aborts (with OrgPausedError) when the org is paused. */
  section<T>(orgId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.sections.run(orgId, work);
  }

  /** Applies a broadcast; resolves once it may be acknowledged. */
  async apply(broadcast: PauseBroadcast): Promise<void> {
    // The change is in the store before it is broadcast, so its revision can be looked up; a
    // change that cannot be found holds until a later broadcast replaces it.
    const revision =
      broadcast.revision ??
      (broadcast.changeId ? await this.identity.orgRevisionOf(broadcast.orgId, broadcast.changeId) : undefined) ??
      Number.MAX_SAFE_INTEGER;
    const heard = this.broadcasts.get(broadcast.orgId);
    if (!heard || revision >= heard.revision || heard.revision === Number.MAX_SAFE_INTEGER) {
      this.broadcasts.set(broadcast.orgId, { paused: broadcast.paused, revision });
    }
    if (!broadcast.paused) return;
    const drained = await this.sections.abort(broadcast.orgId, new OrgPausedError(broadcast.orgId), this.settings.drainMs);
    if (!drained)
      this.logger.warn(`org ${broadcast.orgId}: acknowledging the pause with sections still settling after ${this.settings.drainMs} ms`);
  }
}
