import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { topicPatternSchema } from '@herald/shared';
import { z } from 'zod';
import { ConfigError, configFromEnv } from './config';
import { createRelay } from './relay';
import { AccountExistsError, AccountMissingError, type AccountStore } from './store/accounts';
import { openAccounts } from './store/open';
import { DataDirLockedError } from './store/data-dir-lock';
import { StoreUnavailableError } from './store/failure';

const USAGE = `usage: herald-relay <command>        (--version, --help)

  serve                                          run the relay (config from HERALD_* env)
  user add <name> --topics <p1,p2> [--act <p1,p2>] [--password-stdin]
                                                 --act: topics the user may answer (none if unset)
  user list                                      name, topics, act, created
  user remove <name>
  publisher add <name> --topics <p1,p2> [--action-url <url>]
                                                 prints the publisher's token, once; answers to its
                                                 events' actions are POSTed, signed, to the URL
  publisher list                                 name, topics, action URL, created
  publisher remove <name>

Environment: HERALD_HOST, HERALD_PORT, HERALD_DATA_DIR, HERALD_REDIS_URL, HERALD_ALLOWED_ORIGINS,
HERALD_RETENTION_MAX_EVENTS, HERALD_RETENTION_MAX_AGE, HERALD_CONFIG, ... (docs/protocol.md)`;

class UsageError extends Error {}

/** The package's version: `package.json` sits one level above `dist/`, in the repo or installed. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._@-]{1,100}$/, 'names are 1-100 of [A-Za-z0-9._@-]');

function topicsOption(value: string | undefined, option = '--topics'): string[] {
  if (!value) throw new UsageError(`${option} is required, e.g. ${option} tickets,agents/*`);
  const topics = value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (topics.length === 0) {
    throw new UsageError(
      `${option} ${JSON.stringify(value)} names no topic, e.g. ${option} tickets`,
    );
  }
  for (const t of topics) {
    const r = topicPatternSchema.safeParse(t);
    if (!r.success)
      throw new UsageError(`bad topic pattern ${JSON.stringify(t)}: ${r.error.issues[0]?.message}`);
  }
  return topics;
}

const actionUrlSchema = z.url({ protocol: /^https?$/ }).max(2000);

function actionUrlOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const r = actionUrlSchema.safeParse(value);
  if (!r.success)
    throw new UsageError(`--action-url ${JSON.stringify(value)}: expected an http(s) URL`);
  return r.data;
}

function nameArg(value: string | undefined, what: string): string {
  const r = nameSchema.safeParse(value);
  if (!r.success) throw new UsageError(`${what} name: ${r.error.issues[0]?.message}`);
  return r.data;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks twice on the terminal without echoing. */
async function promptPassword(): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      muted = false;
      rl.question(q, resolve);
      muted = true;
    });
  const first = await ask('Password: ');
  process.stderr.write('\n');
  const second = await ask('Repeat password: ');
  process.stderr.write('\n');
  rl.close();
  if (first !== second) throw new UsageError('the passwords differ');
  return first;
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      topics: { type: 'string' },
      act: { type: 'string' },
      'action-url': { type: 'string' },
      'password-stdin': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  const [command, sub, name] = positionals;
  if (values.version) {
    console.log(version());
    return;
  }
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const config = configFromEnv(process.env);

  if (command === 'serve') {
    // Whoever read our output may go away (a collector restarting, a supervisor killed): a
    // write to a broken stdout or stderr is then lost, not a reason to die, or to hang in a
    // fatal exit that keeps trying to flush the logs to nobody.
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
      });
    }
    // Every request's failure is handled where it happens; reaching here means the process's
    // own state is in doubt. Say so loudly, as one log line, and exit for the supervisor.
    process.on('uncaughtException', (err) => {
      console.error(
        JSON.stringify({ level: 60, msg: 'fatal: uncaught exception', err: String(err?.stack) }),
      );
      process.exit(70);
    });
    process.on('unhandledRejection', (err) => {
      throw err;
    });
    // Listening for signals before start-up: a SIGTERM that arrives while the relay is still
    // starting waits for it, then stops it cleanly, instead of killing it half-way.
    const starting = createRelay(config);
    let signals = 0;
    const stop = (signal: string) => {
      if (++signals > 1) process.exit(1);
      console.error(`herald-relay: ${signal}, shutting down`);
      starting
        .then((relay) => relay.close())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    await starting;
    return;
  }

  if (command !== 'user' && command !== 'publisher')
    throw new UsageError(`unknown command ${command}`);
  const accounts = await openAccounts(config);
  try {
    await accountCommand(command, sub, name, values, accounts);
  } finally {
    await accounts.close();
  }
}

async function accountCommand(
  command: 'user' | 'publisher',
  sub: string | undefined,
  name: string | undefined,
  values: { topics?: string; act?: string; 'action-url'?: string; 'password-stdin'?: boolean },
  accounts: AccountStore,
): Promise<void> {
  switch (sub) {
    case 'list':
      for (const a of await (command === 'user' ? accounts.listUsers() : accounts.listPublishers()))
        console.log(
          [
            a.name,
            a.topics.join(','),
            command === 'user' ? a.act?.join(',') || '-' : (a.actionUrl ?? '-'),
            a.createdAt,
          ].join('\t'),
        );
      return;
    case 'remove':
      if (command === 'user') await accounts.removeUser(nameArg(name, 'user'));
      else await accounts.removePublisher(nameArg(name, 'publisher'));
      console.error(`removed ${command} ${name}`);
      return;
    case 'add': {
      const who = nameArg(name, command);
      const topics = topicsOption(values.topics);
      if (command === 'publisher') {
        const actionUrl = actionUrlOption(values['action-url']);
        console.log(await accounts.addPublisher(who, topics, actionUrl));
        console.error(
          `added publisher ${who} (topics ${topics.join(',')}${actionUrl ? `, answers to ${actionUrl}` : ''}); the token above is shown only once`,
        );
        return;
      }
      const act = values.act === undefined ? [] : topicsOption(values.act, '--act');
      let password: string;
      if (values['password-stdin']) password = await readStdin();
      else if (process.stdin.isTTY) password = await promptPassword();
      else throw new UsageError('no terminal to ask for a password: pass --password-stdin');
      if (password.length < 8) throw new UsageError('the password must have at least 8 characters');
      await accounts.addUser(who, password, topics, act);
      console.error(
        `added user ${who} (topics ${topics.join(',')}${act.length ? `; may act on ${act.join(',')}` : ''})`,
      );
      return;
    }
    default:
      throw new UsageError(`unknown ${command} command ${sub ?? ''}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const known = [
    UsageError,
    ConfigError,
    AccountExistsError,
    AccountMissingError,
    DataDirLockedError,
  ].some((E) => err instanceof E);
  // An unreachable store is no bug: its words, without a stack, and exit 1 (try again later).
  const outage = err instanceof StoreUnavailableError;
  console.error(
    `herald-relay: ${known || outage ? (err as Error).message : String((err as Error)?.stack ?? err)}`,
  );
  if (err instanceof UsageError) console.error(USAGE);
  process.exit(known ? 2 : 1);
});
