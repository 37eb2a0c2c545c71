import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The process tests spawn is the built relay: build it once per run (esbuild, well under a second). */
export default function setup() {
  execFileSync(process.execPath, ['build.mjs'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
  });
}
