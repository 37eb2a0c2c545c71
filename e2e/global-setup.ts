// One desktop (Xvfb + D-Bus + dunst) for the whole run; tests and the browsers they launch find
// it through the environment, which Playwright hands on to its workers.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDesktop } from './desktop';
import { EXTENSION_DIR, FIREFOX_EXTENSION_DIR, RELAY_BIN } from './paths';

export default async function globalSetup(): Promise<() => Promise<void>> {
  // HERALD_E2E_BUILD (HERALD_E2E_FIREFOX_BUILD) tests another unpacked build (a release
  // candidate, a deliberately broken one).
  const source = process.env.HERALD_E2E_BUILD ?? EXTENSION_DIR;
  const firefoxSource = process.env.HERALD_E2E_FIREFOX_BUILD ?? FIREFOX_EXTENSION_DIR;
  for (const [what, path, build] of [
    ['extension', source, 'npm run build -w @herald/extension'],
    ['Firefox extension', firefoxSource, 'npm run build -w @herald/extension'],
    ['relay', RELAY_BIN, 'npm run build -w @herald/relay'],
  ] as const) {
    if (!existsSync(path)) throw new Error(`The ${what} is not built (${path}); run \`${build}\`.`);
  }
  // The run tests one build from start to end, even if someone rebuilds the extension meanwhile.
  const build = mkdtempSync(join(tmpdir(), 'herald-e2e-build-'));
  cpSync(source, join(build, 'chromium'), { recursive: true });
  cpSync(firefoxSource, join(build, 'firefox'), { recursive: true });
  process.env.HERALD_E2E_EXTENSION_DIR = join(build, 'chromium');
  process.env.HERALD_E2E_FIREFOX_EXTENSION_DIR = join(build, 'firefox');
  const desktop = await startDesktop();
  process.env.DISPLAY = desktop.display;
  process.env.DBUS_SESSION_BUS_ADDRESS = desktop.busAddress;
  process.env.HERALD_E2E_TOAST_LOG = desktop.toastLog;
  process.env.HERALD_E2E_ACTIONS_DIR = desktop.actionsDir;
  return async () => {
    await desktop.stop();
    rmSync(build, { recursive: true, force: true });
  };
}
