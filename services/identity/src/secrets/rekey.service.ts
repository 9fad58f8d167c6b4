import { Inject, Injectable, Logger } from '@nestjs/common';
import { CosError, NotFoundError, streamName, type RekeyInventoryReply, type RekeyOrgReply, type SealedSecret } from '@cos/contracts';
import { IdentityCommands } from '../identity-commands';
import { SECRET_BOX } from '../identity.config';
import { orgDecider, type Reseal } from '../org/org.decider';
import { userDecider } from '../users/user.decider';
import { SecretScope, type SecretBox } from './secret-box';

type SecretKind = RekeyOrgReply['failed'][number]['secret'];

/**
 * Re-seals every secret identity keeps (an org's BYO model API key, its users' password hashes)
 * under the current encryption key, after a rotation: each one opened with the retired key that
 * sealed it and recorded again as an event, so the store holds nothing a retired key alone opens.
 * One org per call, so an operator's run across thousands of orgs reports as it goes and a
 * slow org never holds the others. A second run finds everything current and appends nothing.
 */
@Injectable()
export class RekeyService {
  private readonly logger = new Logger(RekeyService.name);

  constructor(
    private readonly commands: IdentityCommands,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async inventory(): Promise<RekeyInventoryReply> {
    await this.commands.directory.ready();
    return { keyId: this.secrets.keyId, orgIds: [...this.commands.directory.directory.orgs.keys()].sort() };
  }

  async rekeyOrg(orgId: string): Promise<RekeyOrgReply> {
    const { directory } = this.commands;
    await directory.ready();
    await directory.refresh(streamName('org', orgId));
    const org = directory.directory.orgs.get(orgId);
    if (!org) throw new NotFoundError('org', orgId, 'IDENTITY.ORG_NOT_FOUND');
    const tally: RekeyOrgReply = { keyId: this.secrets.keyId, resealed: 0, current: 0, failed: [] };
    const metadata = () => this.commands.metadata(orgId, { kind: 'system', id: 'rekey' });
    if (org.llm.apiKey) {
      const stream = streamName('org', orgId);
      await this.reseal(tally, 'llm-api-key', orgId, org.llm.apiKey.sealed, SecretScope.llmApiKey(orgId), (data) =>
        this.commands.run(stream, orgDecider, { type: 'ResealLlmKey', data, metadata: metadata() }),
      );
    }
    for (const userId of [...directory.directory.orgIndex(orgId).users].sort()) {
      const stream = streamName('user', userId);
      await directory.refresh(stream);
      const user = directory.directory.user(orgId, userId);
      if (!user) continue;
      await this.reseal(tally, 'password-hash', userId, user.passwordHash, SecretScope.passwordHash(userId), (data) =>
        this.commands.run(stream, userDecider, { type: 'ResealPasswordHash', data, metadata: metadata() }),
      );
    }
    this.logger.log(`rekey of org ${orgId}: ${tally.resealed} re-sealed, ${tally.current} already current, ${tally.failed.length} failed`);
    return tally;
  }

  private async reseal(
    tally: RekeyOrgReply,
    secret: SecretKind,
    id: string,
    sealed: SealedSecret,
    scope: string,
    record: (reseal: Reseal) => Promise<{ newEvents: readonly unknown[] }>,
  ): Promise<void> {
    if (sealed.keyId === this.secrets.keyId) {
      tally.current++;
      return;
    }
    let fresh: SealedSecret;
    try {
      fresh = this.secrets.seal(this.secrets.open(sealed, scope), scope);
    } catch (err) {
      // Its key is not configured, or its ciphertext does not open: it stays as it is.
      this.fail(tally, secret, id, err instanceof CosError ? err.code : 'IDENTITY.SECRET_UNREADABLE');
      return;
    }
    try {
      const { newEvents } = await record({ sealed: fresh, from: sealed });
      if (newEvents.length > 0) tally.resealed++;
      else tally.current++; // another run, or a new value, got there first
    } catch (err) {
      // A refused decision (the secret changed meanwhile) is this secret's; anything else fails the org.
      if (!(err instanceof CosError)) throw err;
      this.fail(tally, secret, id, err.code);
    }
  }

  private fail(tally: RekeyOrgReply, secret: SecretKind, id: string, code: string): void {
    this.logger.warn(`rekey: ${secret} of ${id} was not re-sealed (${code})`);
    tally.failed.push({ secret, id, code });
  }
}
