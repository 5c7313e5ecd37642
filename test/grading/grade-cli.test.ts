// `npm run grade`: a scorecard per chapter, exit code, and survival of learner code that hangs or throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const grade = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/grade.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

test('grading the solutions passes with exit code 0', () => {
  const r = grade('--dir', 'solutions', '01', '02', '03', '--seed', '5');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /01_reinforce {2}4\/4/);
  assert.match(r.stdout, /Total: (\d+)\/\1 exercises pass/);
});

test('grading the untouched exercises fails, saying what is not implemented yet', () => {
  const r = grade('01', '--seed', '5');
  assert.equal(r.status, 1);
  assert.match(r.stdout, /logSoftmax: not implemented yet/);
  assert.match(r.stdout, /Total: 0\/4/);
});

test('learner code that hangs, throws, returns the wrong type or leaks is reported per exercise', () => {
  const t0 = Date.now();
  const r = grade('--dir', 'test/fixtures/grading/broken', '01', '--timeout', '3', '--seed', '5');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /logSoftmax: did not return within 3 s/);
  assert.match(r.stdout, /sampleAction threw an error .*\n.*\n.*TypeError: oops/);
  assert.match(r.stdout, /returnsToGo .*\n.*\n.*should return an array/);
  assert.match(r.stdout, /reinforceLoss .*\n.*\n.*left \d+ intermediate tensor/);
  assert.ok(Date.now() - t0 < 60_000, 'the grader must stop a hanging check');
});

test('bad command-line input gets a clear error', () => {
  const r = grade('99');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no chapter starts with "99"/);
});

test('learner code cannot forge a pass: posted verdicts, a patched Math, the library re-exported, the grader imported', () => {
  let r = grade('--dir', 'test/fixtures/grading/forged-post', '01', '--seed', '5');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /Total: 0\/4/);
  assert.doesNotMatch(r.stdout, /passed all 9 cases \(forged\)/);
  r = grade('--dir', 'test/fixtures/grading/forged-math', '02', '--seed', '5');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /✗ entropy gave a wrong answer/);
  r = grade('--dir', 'test/fixtures/grading/forged-reexport', '01', '--seed', '5');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /returnsToGo: this is the library's own dojo\.algos\.returnsToGo, not yours/);
  r = grade('--dir', 'test/fixtures/grading/forged-import', '01', '--seed', '5');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /imports the grader \(\.\.\/\.\.\/\.\.\/\.\.\/lib\/grading\/registry\)/);
  assert.match(r.stdout, /Total: 0\/4/);
});
