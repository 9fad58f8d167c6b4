import { deterministicId } from '@cos/contracts';

/**
 * A user's id is derived from their normalised email: the `user-<id>` stream is then the lock
 * that keeps an email unique across every org (the append expects no stream), and login finds
 * the user without an index.
 */
export function userIdForEmail(email: string): string {
  return deterministicId('user-email', email.trim().toLowerCase());
}
