import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HttpErrorCode } from '@herald/shared';

export const TIMESTAMP_HEADER = 'x-herald-timestamp';
export const SIGNATURE_HEADER = 'x-herald-signature';

export type VerifyFailure = {
  code: Extract<HttpErrorCode, 'invalid_signature' | 'stale_timestamp' | 'replayed'>;
  message: string;
};
/** A verified delivery; `remember()` once it is stored, so a retry after a failure is not a "replay". */
export type Verified = { remember(): void };

/** `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<raw body>`): what a producer sends. */
export function signWebhook(
  secret: string,
  timestamp: number | string,
  body: Buffer | string,
): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `sha256=${mac}`;
}

/**
 * Checks a delivery's signature, age and uniqueness. A signature is remembered until its
 * timestamp falls out of the tolerance window, after which the age check rejects it anyway: the
 * memory stays bounded by the delivery rate times the window.
 */
export class WebhookVerifier {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly toleranceSeconds: number,
    private readonly maxRemembered = 100_000,
  ) {}

  verify(
    secret: string,
    timestampHeader: string | undefined,
    signatureHeader: string | undefined,
    body: Buffer,
    nowMs = Date.now(),
  ): VerifyFailure | Verified {
    if (!timestampHeader || !/^\d{1,12}$/.test(timestampHeader)) {
      return {
        code: 'invalid_signature',
        message: `missing or malformed ${TIMESTAMP_HEADER} header (unix seconds)`,
      };
    }
    const match = /^sha256=([0-9a-f]{64})$/i.exec(signatureHeader ?? '');
    if (!match) {
      return {
        code: 'invalid_signature',
        message: `missing or malformed ${SIGNATURE_HEADER} header (sha256=<hex>)`,
      };
    }
    const given = Buffer.from(match[1]!.toLowerCase(), 'hex');
    const expected = Buffer.from(signWebhook(secret, timestampHeader, body).slice(7), 'hex');
    if (!timingSafeEqual(given, expected)) {
      return {
        code: 'invalid_signature',
        message: 'signature does not match the body and timestamp',
      };
    }
    // Only a correctly signed delivery learns why it was refused beyond "invalid signature".
    const timestampMs = Number(timestampHeader) * 1000;
    if (Math.abs(nowMs - timestampMs) > this.toleranceSeconds * 1000) {
      return {
        code: 'stale_timestamp',
        message: `timestamp is more than ${this.toleranceSeconds} s away from the relay's clock`,
      };
    }
    this.sweep(nowMs);
    const key = given.toString('hex');
    if (this.seen.has(key))
      return { code: 'replayed', message: 'this delivery was already accepted' };
    return {
      remember: () => {
        if (this.seen.size >= this.maxRemembered)
          this.seen.delete(this.seen.keys().next().value as string);
        this.seen.set(key, timestampMs + this.toleranceSeconds * 1000);
      },
    };
  }

  private sweep(nowMs: number) {
    for (const [key, expires] of this.seen) {
      if (expires < nowMs) this.seen.delete(key);
    }
  }
}
