// `npm run demo`: the real relay (embedded SQLite store) fed by simulated upstreams that speak the
// real formats, plus a demo user, so the extension has something to show within seconds.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signWebhook } from '../relay/src/connectors';
import { createRelay, type Relay } from '../relay/src/relay';
import {
  startFakeDashboard,
  startFakeRpcDaemon,
  startFakeTracker,
} from '@herald/testkit/upstreams';
import { runScenario } from './demo-scenario';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.HERALD_PORT ?? '8787' },
    seconds: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const secret = () => randomBytes(18).toString('base64url');
const env = {
  DEMO_TRACKER_TOKEN: secret(),
  DEMO_DASHBOARD_TOKEN: secret(),
  DEMO_HOOK_SECRET: secret(),
  DEMO_RPC_TOKEN: secret(),
};
Object.assign(process.env, env);

const dir = mkdtempSync(join(tmpdir(), 'herald-demo-'));
const tracker = await startFakeTracker({ token: env.DEMO_TRACKER_TOKEN });
const dashboard = await startFakeDashboard({ token: env.DEMO_DASHBOARD_TOKEN });
const rpc = await startFakeRpcDaemon({ token: env.DEMO_RPC_TOKEN });

const configFile = join(dir, 'herald.config.json');
writeFileSync(
  configFile,
  JSON.stringify(
    {
      connectors: [
        {
          type: 'tickets',
          name: 'tracker',
          url: tracker.url,
          token: { env: 'DEMO_TRACKER_TOKEN' },
        },
        {
          type: 'agents',
          name: 'dashboard',
          url: dashboard.url,
          token: { env: 'DEMO_DASHBOARD_TOKEN' },
        },
        {
          type: 'webhook',
          name: 'jobs',
          secret: { env: 'DEMO_HOOK_SECRET' },
          topic: 'jobs',
          mapping: 'job-runner',
        },
        {
          type: 'jsonrpc',
          name: 'downloads',
          url: rpc.url,
          token: { env: 'DEMO_RPC_TOKEN' },
          subscribe: { method: 'subscribe' },
        },
      ],
    },
    null,
    2,
  ),
);

async function startRelay(port: number): Promise<Relay> {
  const options = { port, dataDir: join(dir, 'data'), configFile, logLevel: 'warn' as const };
  try {
    return await createRelay(options);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    console.warn(
      `port ${port} is taken; using a random one (set the extension's relay URL accordingly)`,
    );
    return createRelay({ ...options, port: 0 });
  }
}
const relay = await startRelay(Number(args.port));

const password = secret().slice(0, 12);
await relay.accounts.addUser('demo', password, ['**']);

const postJob = async (job: Record<string, unknown>) => {
  const body = JSON.stringify(job);
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(`${relay.url}/v1/hooks/jobs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-herald-timestamp': String(ts),
      'x-herald-signature': signWebhook(env.DEMO_HOOK_SECRET, ts, body),
    },
    body,
  });
  if (res.status !== 202)
    console.warn(`webhook delivery refused: ${res.status} ${await res.text()}`);
};

const stopScenario = runScenario({
  tracker,
  dashboard,
  rpc,
  postJob,
  say: (line) => {
    if (!args.quiet) console.log(`  ${new Date().toLocaleTimeString()}  ${line}`);
  },
});

console.log(`
Herald demo is running.

  Relay        ${relay.url}   (health: ${relay.url}/healthz)
  Login        user "demo", password "${password}"
  Extension    run \`npm run build\`, then load extension/.output/chrome-mv3 as an unpacked
               extension (chrome://extensions, Developer mode), open its popup, sign in
               with the relay URL and the login above.
  Watch live   TOKEN=$(curl -s ${relay.url}/v1/login -H 'content-type: application/json' \\
                 -d '{"username":"demo","password":"${password}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
               curl -N ${relay.url}/v1/stream -H "authorization: Bearer $TOKEN"

Simulated upstreams: ticket tracker ${tracker.url}, agent dashboard ${dashboard.url},
job runner (signed webhooks to /v1/hooks/jobs), download daemon ${rpc.url}.
Press Ctrl-C to stop.
`);

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  stopScenario();
  await relay.close();
  await Promise.all([tracker.close(), dashboard.close(), rpc.close()]);
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
if (args.seconds) setTimeout(() => void shutdown(0), Number(args.seconds) * 1000);
