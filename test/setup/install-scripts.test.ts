/**
 * `npm install` on a fresh clone prints no unexplained warning. npm 11 lists every dependency whose
 * install script package.json's `allowScripts` does not cover ("install scripts not yet covered by
 * allowScripts"), and a later npm runs only the allowed ones. The project decides for each such package
 * (README.md, "Set up and test", says why): every package of the lockfile with an install script must be
 * named in allowScripts, and every entry there must name one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../lib/util/paths';

const root = projectRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
};

/** The packages of the lockfile that have an install script, by name (the project itself left out). */
const withScripts = new Map(
  Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && p.hasInstallScript)
    .map(([path, p]) => [path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), p.version ?? '']),
);

test('every dependency with an install script is allowed or denied in package.json allowScripts', () => {
  const allow = pkg.allowScripts ?? {};
  assert.ok(withScripts.size > 0, 'the lockfile lists packages with install scripts (zeromq, esbuild, ...)');
  for (const [name, version] of withScripts) {
    const entry = allow[name] ?? allow[`${name}@${version}`];
    assert.equal(typeof entry, 'boolean', `${name}@${version} has an install script: add "${name}": true or false to allowScripts`);
  }
  for (const key of Object.keys(allow)) {
    const name = key.replace(/(.)@[^@]*$/, '$1');
    assert.ok(withScripts.has(name), `allowScripts names ${key}, which no installed package with an install script matches`);
  }
});

test('npm itself reports no unreviewed install script (npm 11.16 and later)', (t) => {
  const version = spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const [major, minor] = version.split('.').map(Number);
  if (!(major > 11 || (major === 11 && minor >= 16))) {
    t.skip(`skipped: npm ${version || '(not found)'} predates allowScripts (npm 11.16)`);
    return;
  }
  const r = spawnSync('npm', ['install-scripts', 'ls'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /No packages with unreviewed install scripts/, r.stdout);
});
