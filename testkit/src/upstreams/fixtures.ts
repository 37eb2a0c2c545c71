import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared sample streams live beside the repo: `<repo>/../shared/fixtures` (or HERALD_FIXTURES_DIR). */
export const fixturesDir =
  process.env.HERALD_FIXTURES_DIR ??
  fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));

export function readFixture(name: 'tickets-watch.ndjson' | 'agents-events.sse'): string {
  return readFileSync(`${fixturesDir.replace(/\/$/, '')}/${name}`, 'utf8');
}
