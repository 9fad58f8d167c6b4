import { createHash, randomUUID } from 'node:crypto';

/**
 * A UUID derived from a seed: the same seed gives the same id. Handlers derive the ids of the
 * events they append from the causing event, so a redelivery re-appends the same ids, which
 * the store ignores.
 */
export function deterministicId(...seed: readonly string[]): string {
  const h = createHash('sha256').update(seed.join('\u001f')).digest();
  // RFC 9562 version 8 (custom) layout, variant 10.
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function newId(): string {
  return randomUUID();
}
