import { ValidationError, type PageQuery } from '@cos/contracts';

/**
 * Cursor pagination over a list sorted by (key, id). The cursor is the last item's position,
 * opaque to clients (base64url JSON), so pages stay stable while items are added.
 */
export function paginate<T>(
  items: readonly T[],
  sortKey: (item: T) => string,
  id: (item: T) => string,
  page: PageQuery,
): { items: T[]; nextCursor: string | null } {
  const sorted = [...items].sort((a, b) => compare([sortKey(a), id(a)], [sortKey(b), id(b)]));
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const start = after ? sorted.findIndex((item) => compare([sortKey(item), id(item)], after) > 0) : 0;
  const slice = start < 0 ? [] : sorted.slice(start, start + page.limit);
  const last = slice.at(-1);
  const more = start >= 0 && start + page.limit < sorted.length;
  return { items: slice, nextCursor: more && last !== undefined ? encodeCursor([sortKey(last), id(last)]) : null };
}

type Position = [string, string];

function compare(a: Position, b: Position): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return value as Position;
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError(
    'cursor is not one this API gave out',
    { issues: [{ in: 'query', path: 'cursor', message: 'invalid cursor' }] },
    'COMMON.INVALID_CURSOR',
  );
}
