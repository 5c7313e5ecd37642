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

/** Runs `code` in a fresh Node process with the library's TypeScript loader. */
function runFresh(code: string, env: NodeJS.ProcessEnv = {}) {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  return spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: path.resolve(__dirname, '../..'),
    encoding: 'utf8',
    env: { ...process.env, GRADIENT_DOJO_BACKEND: '', ...env },
  });
}

test('backendNotice says in one line which backend runs and, without tfjs-node, how to get it', () => {
  const r = runFresh("const nn = require('./lib/nn'); nn.ready().then(() => console.log(nn.backendNotice()))");
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, r.stdout);
  let nodeInstalled = true;
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    nodeInstalled = false;
  }
  if (nodeInstalled) {
    assert.match(lines[0], /^gradient-dojo: TensorFlow\.js backend: node \(native TensorFlow/);
  } else {
    assert.match(lines[0], /^gradient-dojo: TensorFlow\.js backend: wasm .*@tensorflow\/tfjs-node is not installed/);
    assert.match(lines[0], /`npm install @tensorflow\/tfjs-node`/);
  }
  const forced = runFresh("const nn = require('./lib/nn'); nn.ready().then(() => console.log(nn.backendNotice()))", {
    GRADIENT_DOJO_BACKEND: 'cpu',
  });
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(forced.stdout, /^gradient-dojo: TensorFlow\.js backend: cpu .*, as GRADIENT_DOJO_BACKEND=cpu asks\n$/);
});

test("tfjs's own 'install our node backend' banner is never printed, even for a tensor made before ready()", () => {
  const code =
    "const tf = require('@tensorflow/tfjs'); const nn = require('./lib/nn'); tf.setBackend('cpu'); " +
    "tf.tensor([1, 2]).add(1).dataSync(); nn.ready().then((k) => console.log('ready', k))";
  const r = runFresh(code);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ready /);
  assert.doesNotMatch(r.stderr + r.stdout, /looks like you are running TensorFlow\.js in Node\.js/);
});
