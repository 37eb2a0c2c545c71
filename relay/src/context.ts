import type { Logger } from 'pino';
import type { RelayConfig } from './config';
import type { Fanout } from './fanout';
import type { StoreHealth } from './health';
import type { TokenBuckets } from './limiter';
import type { SignInLimits } from './sign-in-limits';
import type { Metrics } from './metrics';
import type { PersonStateReaders } from './person-state-readers';
import type { PersonStateStore } from './store/person-state';
import type { Publishing } from './publish';
import type { AccountStore } from './store/accounts';
import type { EventLog } from './store/log';

/** What request handlers share: built once by createRelay. */
export interface RelayContext {
  config: RelayConfig;
  /** The event log. In the relay `log` always means this; the pino logger is `logger`. */
  log: EventLog;
  accounts: AccountStore;
  fanout: Fanout;
  publishing: Publishing;
  metrics: Metrics;
  logger: Logger;
  signIn: SignInLimits;
  connectBuckets: TokenBuckets;
  /** `GET /v1/events` per reader token: history scans are the costliest reads. */
  historyBuckets: TokenBuckets;
  /** Each person's read marks, snoozes and settings, and the sockets following them. */
  personState: PersonStateStore;
  personStates: PersonStateReaders;
  /** `/v1/me/state` per person. */
  stateBuckets: TokenBuckets;
  health: StoreHealth;
  originAllowed: (origin: string) => boolean;
  nextConnectionId: () => number;
  shuttingDown: () => boolean;
}
