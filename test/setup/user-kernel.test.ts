/**
 * `npm run setup-kernel -- --user` registers the tslab kernel in Jupyter's user data folder, where a
 * plain `jupyter notebook`, JupyterLab and VS Code look (they ask jupyter_client's KernelSpecManager,
 * the code behind `jupyter kernelspec list`). The test gives Jupyter a temporary HOME and data folder,
 * so the real user's kernels are never touched, and checks that the kernel is listed from there without
 * the JUPYTER_PATH that `npm start` sets, and that the project-local registration `npm start` uses is
 * still made.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../lib/util/paths';
import { needResource } from '../helpers';
import { findJupyterPython } from '../notebooks/nbexec';

const root = projectRoot();
const homes = mkdtempSync(join(tmpdir(), 'dojo-homes-'));
after(() => rmSync(homes, { recursive: true, force: true }));

/** The environment of a user whose home is `home`, with no Jupyter paths of ours set. */
function userEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, PYDEVD_DISABLE_FILE_VALIDATION: '1', ...extra };
  for (const k of ['JUPYTER_PATH', 'JUPYTER_DATA_DIR', 'XDG_DATA_HOME', 'JUPYTER_CONFIG_DIR']) if (!(k in extra)) delete env[k];
  return env;
}

/** `jupyter kernelspec list --json` as plain Jupyter runs it for that user: name -> resource folder. */
function listKernels(python: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const r = spawnSync(python, ['-Xfrozen_modules=off', '-m', 'jupyter_client.kernelspecapp', 'list', '--json'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const specs = JSON.parse(r.stdout).kernelspecs as Record<string, { resource_dir: string }>;
  return Object.fromEntries(Object.entries(specs).map(([name, s]) => [name, s.resource_dir]));
}

for (const [label, home, extra, expectedDir] of [
  ['HOME', join(homes, 'a'), {}, join(homes, 'a', '.local', 'share', 'jupyter', 'kernels', 'tslab')],
  ['JUPYTER_DATA_DIR', join(homes, 'b'), { JUPYTER_DATA_DIR: join(homes, 'b', 'data') }, join(homes, 'b', 'data', 'kernels', 'tslab')],
] as const) {
  test(`setup-kernel --user registers a kernel plain Jupyter lists (user folder from ${label})`, { timeout: 120_000 }, (t) => {
    const python = needResource(t, findJupyterPython(), 'Jupyter (apt-get install jupyter-notebook jupyter-nbconvert)');
    if (!python) return;
    mkdirSync(home);
    const env = userEnv(home, extra);
    const before = listKernels(python, env).tslab;
    assert.ok(before === undefined || !before.startsWith(home), 'the temporary user has no kernel before setup');

    const r = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs'), '--user'], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /tslab kernel registered in .*\.jupyter/, 'the project-local kernel (npm start) is registered too');
    assert.ok(r.stdout.includes(`tslab kernel registered for your user in ${expectedDir}`), r.stdout);

    assert.equal(listKernels(python, env).tslab, expectedDir, 'jupyter kernelspec list names the user-level tslab kernel');
    const spec = JSON.parse(readFileSync(join(expectedDir, 'kernel.json'), 'utf8'));
    assert.equal(spec.argv[0], join(root, 'node_modules', '.bin', 'tslab'), "the kernel runs this checkout's tslab");
    assert.equal(spec.display_name, 'TypeScript');
    assert.ok(existsSync(join(root, '.jupyter', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json')));
  });
}

test('setup-kernel refuses an unknown option, naming the one it takes', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs'), '--usr'], { env: userEnv(homes), encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unknown option --usr; the only option is --user/);
});
