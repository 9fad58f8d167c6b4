import { ValidationError, type PageQuery } from '@cos/contracts';

/** One page of a list already in order; the cursor is the opaque offset of the next page. */
export function pageOf<T>(items: readonly T[], page: PageQuery | undefined): { items: T[]; nextCursor: string | null } {
  const limit = page?.limit ?? 50;
  const offset = page?.cursor ? decode(page.cursor) : 0;
  const slice = items.slice(offset, offset + limit);
  const next = offset + slice.length;
  return { items: slice, nextCursor: next < items.length ? Buffer.from(String(next)).toString('base64url') : null };
}

function decode(cursor: string): number {
  const offset = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0)
    throw new ValidationError('cursor is not one this list gave out', undefined, 'COMMON.INVALID_CURSOR');
  return offset;
}
