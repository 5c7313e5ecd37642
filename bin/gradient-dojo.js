#!/usr/bin/env node
// Entry point of `npx gradient-dojo`: loads the TypeScript library directly (no build step).
require('tsx/cjs/api').register();
require('../lib/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    console.error(`gradient-dojo: ${err?.message || err}`);
    process.exitCode = 1;
  });
