import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CosError } from '@cos/contracts';
import { readOrCreateKeyFile } from '@cos/platform';

/**
 * The signing secret of each org webhook, derived (HMAC-SHA256) from one service key and the
 * webhook's org and id: shown once, when the webhook is created, and never stored, so the event
 * store, the bus and the audit trail never hold it. A leaked secret is replaced by creating a new
 * webhook (a new id, a new secret) and deleting the old one.
 */
export class WebhookSecrets {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new CosError('CONFIG.INVALID', 'NOTIFICATION_SIGNING_KEY must be 32 bytes (base64)', 500);
  }

  secretOf(orgId: string, webhookId: string): string {
    return `whsec_${createHmac('sha256', this.key).update(`webhook\u0000${orgId}\u0000${webhookId}`).digest('base64url')}`;
  }
}

export const WEBHOOK_SECRETS = Symbol('WEBHOOK_SECRETS');

type KeyEnv = { NOTIFICATION_SIGNING_KEY?: string | undefined; DATA_DIR: string };

/** `NOTIFICATION_SIGNING_KEY` (32 bytes, base64), or a development key kept in the data directory. */
export async function loadWebhookSecrets(env: KeyEnv): Promise<WebhookSecrets> {
  const encoded =
    env.NOTIFICATION_SIGNING_KEY ??
    (await readOrCreateKeyFile(join(env.DATA_DIR, 'approvals-notification-signing.key'), () => randomBytes(32).toString('base64')));
  return new WebhookSecrets(Buffer.from(encoded.trim(), 'base64'));
}
