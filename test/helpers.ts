import type { TestContext } from 'node:test';
import { sharedPath } from '../lib/util/paths';

/** True on CI, where every external resource a test needs must be present. */
export const onCI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

/**
 * Returns the path of a file under ../shared that a test needs, or skips the test with a clear
 * message when it is missing. On CI a missing file is a failure, never a skip.
 */
export function needShared(t: TestContext, ...parts: string[]): string | null {
  const p = sharedPath(...parts);
  if (p) return p;
  const what = `../shared/${parts.join('/')} (or GRADIENT_DOJO_SHARED/${parts.join('/')})`;
  if (onCI) throw new Error(`Required test data missing on CI: ${what}`);
  t.skip(`skipped: needs ${what}, which is not present on this machine`);
  return null;
}

/** Like needShared, for anything else a test needs (a ROM, Jupyter, Chromium). */
export function needResource<T>(t: TestContext, value: T | null | undefined, what: string): T | null {
  if (value !== null && value !== undefined) return value;
  if (onCI) throw new Error(`Required resource missing on CI: ${what}`);
  t.skip(`skipped: needs ${what}, which is not present on this machine`);
  return null;
}
