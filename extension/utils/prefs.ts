/**
 * The event-type toggles, in one place: their shape and defaults, how a stored or synced set is
 * read, the popup's checkboxes, and the kind filter they make. Where they are kept is
 * settings.ts's business (the person's settings document, seeded once from the legacy key read
 * here).
 */
import { KINDS } from '@herald/shared';
import { z } from 'zod';
import { getSync } from './storage';

export const prefsSchema = z.object({
  proposedResolution: z.boolean(),
  otherStatus: z.boolean(),
  approvals: z.boolean(),
  questions: z.boolean(),
  lifecycle: z.boolean(),
  messages: z.boolean(),
  otherSources: z.boolean(),
});
export type Prefs = z.infer<typeof prefsSchema>;

/** Lifecycle and message traffic are noisy, so they start off; everything that needs a human is on. */
export const DEFAULT_PREFS: Prefs = {
  proposedResolution: true,
  otherStatus: true,
  approvals: true,
  questions: true,
  lifecycle: false,
  messages: false,
  otherSources: true,
};

/** Missing toggles (a newer version added one) take their default; junk falls back entirely. */
export function parsePrefs(raw: unknown): Prefs {
  const merged = prefsSchema.partial().safeParse(raw);
  return { ...DEFAULT_PREFS, ...(merged.success ? stripUndefined(merged.data) : {}) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The toggles this browser kept in storage.sync before settings followed the person. */
export async function getPrefs(): Promise<Prefs> {
  return parsePrefs(await getSync('prefs'));
}

type Toggle = Exclude<keyof Prefs, 'otherSources'>;

/** The popup's checkboxes, grouped as they are shown; `kinds` are what each one lets through. */
export const TOGGLE_GROUPS = [
  {
    legend: 'Tickets',
    prefix: 'ticket',
    toggles: [
      {
        key: 'proposedResolution',
        label: 'Proposed resolution',
        kinds: [KINDS.ticketProposedResolution],
      },
      {
        key: 'otherStatus',
        label: 'Other status changes',
        kinds: [KINDS.ticketStatusChanged, KINDS.ticketLagged],
      },
    ],
  },
  {
    legend: 'Agents',
    prefix: 'agent',
    toggles: [
      {
        key: 'approvals',
        label: 'Approvals',
        kinds: [KINDS.agentApprovalAdded, KINDS.agentApprovalResolved],
      },
      {
        key: 'questions',
        label: 'Questions',
        kinds: [KINDS.agentQuestionAdded, KINDS.agentQuestionResolved],
      },
      { key: 'lifecycle', label: 'Lifecycle', kinds: [KINDS.agentLifecycle] },
      { key: 'messages', label: 'Messages', kinds: [KINDS.agentMessage] },
    ],
  },
] as const satisfies readonly {
  legend: string;
  prefix: string;
  toggles: readonly { key: Toggle; label: string; kinds: readonly string[] }[];
}[];

export const OTHER_SOURCES_LABEL = 'Other sources';

/**
 * The kind filter (shared `kindFilter` syntax) the relay should apply for these toggles.
 * A kind in a group but not on any toggle (a future `ticket.reopened`) follows its group when the
 * whole group is on or off, and "Other sources" otherwise. The relay's `herald.decided` always
 * passes (with "Other sources" on, `*` lets it through).
 */
export function kindsFromPrefs(prefs: Prefs): string[] {
  const groups = TOGGLE_GROUPS.map((g) => ({
    prefix: g.prefix,
    on: g.toggles.filter((t) => prefs[t.key]).flatMap((t) => t.kinds),
    off: g.toggles.filter((t) => !prefs[t.key]).flatMap((t) => t.kinds),
  }));
  if (prefs.otherSources) {
    const excluded = groups.flatMap((g) =>
      g.on.length === 0 ? [`!${g.prefix}.*`] : g.off.map((k) => `!${k}`),
    );
    return ['*', ...excluded];
  }
  // `herald.decided` raises no toast; it clears an answered item everywhere, whatever is ticked.
  return [
    ...groups.flatMap((g) => (g.off.length === 0 ? [`${g.prefix}.*`] : [...g.on])),
    KINDS.actionDecided,
  ];
}
