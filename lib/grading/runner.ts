/** Grades learner modules chapter by chapter in worker threads, with a time limit per check. */
import { MessageChannel, Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { judge, type LearnerOutputs } from './harness';
import { chapters, findExercise } from './registry';
import type { CheckResult } from './types';

export interface GradeOptions {
  /** Folder holding NN_name.ts learner modules (exercises/ by default). */
  dir: string;
  /** Chapters to grade (all by default). */
  only?: string[];
  /** Time limit per check in milliseconds (the first check of a chapter also covers loading the module). */
  timeoutMs?: number;
  seed?: number;
  /** Called after each check finishes (for a live scorecard). */
  onResult?: (r: CheckResult) => void;
}

function verdict(chapter: string, exercise: string, status: CheckResult['status'], message: string, seed: number): CheckResult {
  return { chapter, exercise, status, passed: status === 'pass', message, casesRun: 0, seed };
}

/** Runs the named checks of one chapter; restarts the worker after a check that times out. */
function gradeChapter(
  file: string,
  chapter: string,
  names: string[],
  timeoutMs: number,
  seed: number,
  onResult: (r: CheckResult) => void,
): Promise<void> {
  return new Promise((resolveAll) => {
    let remaining = [...names];
    const launch = () => {
      if (remaining.length === 0) return resolveAll();
      // Results come only through a private channel (see worker.cjs); the worker's parentPort, which
      // the learner's code can reach, is not listened to.
      const { port1: results, port2 } = new MessageChannel();
      const worker = new Worker(join(__dirname, 'worker.cjs'), {
        workerData: { file, names: remaining, seed, port: port2 },
        transferList: [port2],
        stdout: true,
        stderr: true,
      });
      worker.stdout.resume(); // learner console output is not part of the scorecard
      worker.stderr.resume();
      let current = remaining[0];
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      // Loading the learner's module (TypeScript compile, TensorFlow.js) gets extra time on a busy machine.
      const arm = (ms = timeoutMs) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          finished = true;
          void worker.terminate();
          onResult(
            verdict(
              chapter,
              current,
              'timeout',
              `✗ ${current}: did not return within ${timeoutMs / 1000} s (an endless loop? a loop bound that never changes?). It was stopped.`,
              seed,
            ),
          );
          remaining = remaining.slice(remaining.indexOf(current) + 1);
          launch();
        }, ms);
      };
      const finish = (leftMessage?: string) => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        for (const n of remaining) onResult(verdict(chapter, n, 'error', leftMessage ?? `✗ ${n}: the check did not run.`, seed));
        remaining = [];
        resolveAll();
      };
      // The worker runs the learner's code, so what it sends is only taken as data: outputs of the
      // exercise it announced, judged here against references computed here (a message claiming a
      // verdict, or outputs for another exercise, decides nothing).
      worker.on('exit', () => results.close());
      results.on('message', (m: { type: string; name?: string; outputs?: LearnerOutputs; message?: string }) => {
        if (finished || !m || typeof m !== 'object') return;
        if (m.type === 'start' && typeof m.name === 'string' && remaining.includes(m.name)) {
          current = m.name;
          arm();
        } else if ((m.type === 'outputs' || m.type === 'refused') && m.name === current && remaining.includes(current)) {
          const ex = findExercise(current);
          if (!ex) return;
          let r: CheckResult;
          if (m.type === 'refused') r = verdict(chapter, current, 'error', String(m.message), seed);
          else {
            try {
              r = judge(ex, m.outputs as LearnerOutputs, seed);
            } catch (e) {
              r = verdict(chapter, current, 'error', `✗ ${current}: its outputs could not be read (${(e as Error).message}).`, seed);
            }
          }
          onResult(r);
          remaining = remaining.filter((n) => n !== current);
        } else if (m.type === 'load-error') {
          finish(`✗ could not load ${file}: ${m.message}`);
        } else if (m.type === 'done') {
          finish();
          void worker.terminate();
        }
      });
      worker.on('error', (e) => {
        if (finished) return;
        // An error escaping the check (e.g. thrown asynchronously by learner code) fails the current exercise only.
        onResult(verdict(chapter, current, 'error', `✗ ${current}: crashed the grader's worker: ${e.message}`, seed));
        finished = true;
        if (timer) clearTimeout(timer);
        remaining = remaining.slice(remaining.indexOf(current) + 1);
        launch();
      });
      worker.on('exit', () => {
        if (!finished) finish(`✗ the grader's worker stopped unexpectedly before this check ran.`);
      });
      arm(timeoutMs + 30_000);
    };
    launch();
  });
}

export async function grade(options: GradeOptions): Promise<Map<string, CheckResult[]>> {
  const seed = options.seed ?? (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) >>> 0;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const out = new Map<string, CheckResult[]>();
  const ids = Object.keys(chapters).filter((c) => !options.only?.length || options.only.some((o) => c.startsWith(o)));
  for (const chapter of ids) {
    const names = chapters[chapter].map((e) => e.name);
    const results: CheckResult[] = [];
    out.set(chapter, results);
    const file = join(options.dir, `${chapter}.ts`);
    const record = (r: CheckResult) => {
      results.push(r);
      options.onResult?.(r);
    };
    if (!existsSync(file)) {
      for (const n of names) record(verdict(chapter, n, 'error', `✗ ${n}: ${file} does not exist.`, seed));
      continue;
    }
    await gradeChapter(file, chapter, names, timeoutMs, seed, record);
    results.sort((a, b) => names.indexOf(a.exercise) - names.indexOf(b.exercise));
  }
  return out;
}
