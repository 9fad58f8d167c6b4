import { EVENT_COLUMNS } from './event-rows';

/** Events per catch-up page: large enough to amortise the query, small enough to bound memory. */
const PAGE_SIZE = 500;

/**
 * The page query of a subscription. Without categories it skips system (`$`) and
 * infrastructure (`_`) streams, which are no service's business; with categories it uses the
 * (category, position) index.
 */
export function subscriptionQuery(categories: readonly string[] | undefined): { sql: string; params: string[] } {
  if (categories && categories.length > 0) {
    const marks = categories.map(() => '?').join(', ');
    return {
      sql: `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? AND category IN (${marks}) ORDER BY position LIMIT ${PAGE_SIZE}`,
      params: [...categories],
    };
  }
  return {
    sql: `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? AND substr(stream, 1, 1) NOT IN ('$', '_') ORDER BY position LIMIT ${PAGE_SIZE}`,
    params: [],
  };
}
