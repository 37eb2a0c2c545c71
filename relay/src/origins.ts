import { relayConfigSchema, type RelayConfig } from './config';

/**
 * Matches browser origins against the allowed list: exact origins, or patterns where `*`
 * stands for one run of non-`/` characters (`chrome-extension://*`, `https://*.example.com`).
 */
export function originMatcher(allowed: readonly string[]): (origin: string) => boolean {
  const patterns = allowed.map(
    (p) =>
      new RegExp(
        '^' +
          p
            .split('*')
            .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]+') +
          '$',
      ),
  );
  return (origin) => patterns.some((re) => re.test(origin));
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * The default origins let any installed browser extension use the API (its users still need a
 * token). On loopback that is the developer's own browser; on an address others can reach it is
 * worth narrowing to Herald's extension: the words to say so at start-up, or undefined.
 */
export function defaultOriginsWarning(config: Pick<RelayConfig, 'host' | 'allowedOrigins'>) {
  const defaults = relayConfigSchema.shape.allowedOrigins.parse(undefined);
  const isDefault =
    config.allowedOrigins.length === defaults.length &&
    config.allowedOrigins.every((o, i) => o === defaults[i]);
  if (!isDefault || LOOPBACK.test(config.host)) return undefined;
  return (
    'any browser extension may call this relay: set HERALD_ALLOWED_ORIGINS to your ' +
    "extension's origin (chrome-extension://<id>, moz-extension://<uuid>)"
  );
}
