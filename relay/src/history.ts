import type { EventLog } from './store/log';

/** Rows read per page: one page is one turn of the event loop (~1 ms here). */
export const SCAN_PAGE = 500;
/** Rows one history request may scan, matched or not, before it answers with a cursor. */
export const SCAN_BUDGET = 10_000;

export interface Scan {
  /** Envelope JSON of the accepted events, in seq order. */
  events: string[];
  /** Pass as `since` to continue; equal to `head` (where the scan was told the log ends) at the end. */
  next: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads forward from `after` and keeps what `accepts` takes, up to `limit` events. The work is
 * bounded by rows scanned, not rows matched (a reader whose topics match nothing in 100k events
 * must not scan 100k rows in one go), and it yields to the event loop between pages, so other
 * readers' live events and publishes keep flowing while history is read.
 */
export async function scanLog(
  log: Pick<EventLog, 'read'>,
  after: number,
  head: number,
  accepts: (topic: string, kind: string) => boolean,
  limit: number,
  budget = SCAN_BUDGET,
  yieldTurn: () => Promise<void> = nextTurn,
): Promise<Scan> {
  const events: string[] = [];
  let next = after;
  let scanned = 0;
  for (;;) {
    const rows = await log.read(next, Math.min(SCAN_PAGE, budget - scanned));
    for (const row of rows) {
      if (accepts(row.topic, row.kind)) {
        events.push(row.json);
        if (events.length === limit) return { events, next: row.seq };
      }
      next = row.seq;
    }
    scanned += rows.length;
    if (rows.length === 0 || next >= head) return { events, next: Math.max(next, head) };
    if (scanned >= budget) return { events, next };
    await yieldTurn();
  }
}
