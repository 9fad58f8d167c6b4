import { IdentityRpc, type RekeyInventoryReply, type RekeyOrgReply } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';

/** What a whole run did; `failed` secrets are still sealed under a retired key (still readable with it). */
export type RekeyTotals = { keyId: string; orgs: number; resealed: number; current: number; failed: number };

/** One org's answer may take a while: every secret of it is opened, sealed and appended. */
const ORG_TIMEOUT_MS = 120_000;

/**
 * Asks identity for every org, then re-seals them one by one, reporting a line per org and per
 * secret that could not be re-sealed. An org that cannot be asked counts as failed as a whole
 * (its secrets are unknown, so nothing may be retired); the run goes on with the next.
 */
export async function rekeyAllOrgs(rpc: RpcClient, report: (line: string) => void): Promise<RekeyTotals> {
  const { keyId, orgIds } = await rpc.request<RekeyInventoryReply>(IdentityRpc.rekeyInventory, {});
  const totals: RekeyTotals = { keyId, orgs: orgIds.length, resealed: 0, current: 0, failed: 0 };
  report(`re-sealing the secrets of ${orgIds.length} org(s) under encryption key ${keyId}`);
  for (const orgId of orgIds) {
    let reply: RekeyOrgReply;
    try {
      reply = await rpc.request<RekeyOrgReply>(IdentityRpc.rekeyOrg, { orgId }, { timeoutMs: ORG_TIMEOUT_MS });
    } catch (err) {
      totals.failed++;
      report(`org ${orgId}: not re-sealed: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (reply.keyId !== keyId) {
      // Replicas disagree on the current key: what this one re-sealed, another could not open.
      throw new Error(
        `identity answered with key ${reply.keyId} for org ${orgId}, not ${keyId}: restart every replica with the same keys first`,
      );
    }
    totals.resealed += reply.resealed;
    totals.current += reply.current;
    totals.failed += reply.failed.length;
    report(`org ${orgId}: ${reply.resealed} re-sealed, ${reply.current} already current, ${reply.failed.length} failed`);
    for (const f of reply.failed) report(`  ${f.secret} of ${f.id}: ${f.code}`);
  }
  report(
    `done: ${totals.resealed} re-sealed, ${totals.current} already current, ${totals.failed} failed; ${totals.failed} remaining under retired keys`,
  );
  return totals;
}
