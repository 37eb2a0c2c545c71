import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Upstreams {
  tracker: { url: string };
  dashboard: { url: string };
}

/**
 * Writes the relay's config file (HERALD_CONFIG) connecting it to a fake tracker (`tracker`)
 * and a fake dashboard (`agents`), their token read from the env var `tokenEnv`.
 */
export function writeConnectorConfig(
  dir: string,
  upstreams: Upstreams,
  tokenEnv: string,
  reconnect: Record<string, number>,
): string {
  const file = join(dir, 'relay.json');
  const token = { env: tokenEnv };
  writeFileSync(
    file,
    JSON.stringify({
      connectors: [
        { type: 'tickets', name: 'tracker', url: upstreams.tracker.url, token, reconnect },
        { type: 'agents', name: 'agents', url: upstreams.dashboard.url, token, reconnect },
      ],
    }),
  );
  return file;
}
