import { readFileSync } from 'node:fs';
import { topicSchema } from '@herald/shared';
import { z } from 'zod';

/** `tracker`, `ci-hooks`: also the `/v1/hooks/<name>` path segment and the metrics label. */
export const connectorNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'name must be lowercase letters, digits, `-` or `_`');

/**
 * A secret never sits in the config file itself: it names an environment variable or a file
 * (a mounted secret), so the config can be committed and shown in logs.
 */
export const credentialSchema = z.union([
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type CredentialRef = z.infer<typeof credentialSchema>;

export const reconnectSchema = z
  .object({
    /** First retry delay; doubles per failed attempt up to maxMs, with jitter. */
    initialMs: z.number().int().positive().default(500),
    maxMs: z.number().int().positive().default(30_000),
    /** A rejected credential will not fix itself quickly: retry slowly. */
    authRetryMs: z.number().int().positive().default(60_000),
    /** No byte from upstream for this long means a dead connection: reconnect. */
    idleTimeoutMs: z.number().int().positive().default(60_000),
  })
  .strict()
  .default({ initialMs: 500, maxMs: 30_000, authRetryMs: 60_000, idleTimeoutMs: 60_000 });
export type ReconnectConfig = z.infer<typeof reconnectSchema>;

export const httpUrlSchema = z.url({ protocol: /^https?$/ });

/** A path under the upstream's base URL with one `{id}` for the item answered. */
export const answerPathSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9._~/-]*\{id\}[A-Za-z0-9._~/-]*$/,
    'a path with one {id}, e.g. api/approvals/{id}/approve',
  );
export { topicSchema };

/** Names the credential without revealing it (for error messages). */
export function describeCredential(ref: CredentialRef): string {
  return 'env' in ref ? `env ${ref.env}` : `file ${ref.file}`;
}

/**
 * Reads the secret now; called on every (re)connect so a rotated file is picked up.
 * Throws a message that names where it looked, never the value.
 */
export function readCredential(ref: CredentialRef): string {
  let value: string | undefined;
  if ('env' in ref) {
    value = process.env[ref.env];
  } else {
    try {
      value = readFileSync(ref.file, 'utf8');
    } catch (err) {
      throw new Error(
        `cannot read ${describeCredential(ref)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  value = value?.trim();
  if (!value) throw new Error(`${describeCredential(ref)} is empty or not set`);
  return value;
}

/** `http://host/base/` + `tickets/watch` → `http://host/base/tickets/watch`. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
