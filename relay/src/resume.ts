import type { LogPosition } from './store/log';

export interface ResumePoint {
  /** Replay starts after this seq. */
  after: number;
  /** Replay continues exactly where the reader left off. */
  resumed: boolean;
  /** Some events after the reader's position are no longer retained, or the log is another one. */
  gap: boolean;
}

/**
 * Where a (re)connecting reader starts. A reader from another epoch, or one "ahead" of the log,
 * gets everything retained and `gap: true`: never silence because its `since` exceeds `head`.
 */
export function resumePoint(log: LogPosition, since?: number, epoch?: string): ResumePoint {
  if (since === undefined) return { after: log.head, resumed: false, gap: false };
  const foreign = (epoch !== undefined && epoch !== log.epoch) || since > log.head;
  if (foreign) return { after: log.prunedThrough, resumed: false, gap: true };
  if (since < log.prunedThrough) return { after: log.prunedThrough, resumed: false, gap: true };
  return { after: since, resumed: true, gap: false };
}
