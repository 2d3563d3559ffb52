#!/usr/bin/env node
// The compiled CLI (npm ci builds dist/ through the prepare script; `npm run build` rebuilds it).
await import('../dist/src/cli.js');
