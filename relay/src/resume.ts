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
export function resumePoint(position: LogPosition, since?: number, epoch?: string): ResumePoint {
  if (since === undefined) return { after: position.head, resumed: false, gap: false };
  const foreign = (epoch !== undefined && epoch !== position.epoch) || since > position.head;
  if (foreign) return { after: position.prunedThrough, resumed: false, gap: true };
  if (since < position.prunedThrough)
    return { after: position.prunedThrough, resumed: false, gap: true };
  return { after: since, resumed: true, gap: false };
}
