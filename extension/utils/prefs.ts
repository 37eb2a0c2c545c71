import { KINDS } from '@herald/shared';
import type { Prefs } from './storage';

export { DEFAULT_PREFS, getPrefs, parsePrefs, setPrefs, type Prefs } from './storage';

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
