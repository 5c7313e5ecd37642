import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';

test('a forced backend that is unavailable is a clear error', async () => {
  const { spawnSync } = await import('node:child_process');
  const code = "require('./lib/nn').ready().then(() => console.log('started'), (e) => { console.log(e.message); process.exit(3); })";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: path.resolve(__dirname, '../..'),
    encoding: 'utf8',
    env: { ...process.env, GRADIENT_DOJO_BACKEND: 'bogus' },
  });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stdout, /GRADIENT_DOJO_BACKEND=bogus is not a backend: use one of node, wasm, cpu/);
  let nodeInstalled = true;
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    nodeInstalled = false;
  }
  if (!nodeInstalled) {
    const n = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
      env: { ...process.env, GRADIENT_DOJO_BACKEND: 'node' },
    });
    assert.equal(n.status, 3, n.stderr);
    assert.match(n.stdout, /GRADIENT_DOJO_BACKEND=node is unavailable: node: @tensorflow\/tfjs-node is not installed/);
  }
});
