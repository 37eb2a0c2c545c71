#!/usr/bin/env node
// Thin launcher so `npx herald-relay` works from the repo root; the code lives in dist/ (npm run build).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error(
    'herald-relay: not built yet; run `npm install` (or `npm run build -w @herald/relay`).',
  );
  process.exit(1);
}
await import(entry.href);
