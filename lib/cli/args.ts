import { UsageError } from './command';
import { closestMatch } from '../util/text';

export interface FlagSpec {
  /** Flag name without dashes, e.g. 'steps'. */
  name: string;
  type: 'string' | 'number' | 'boolean';
  required?: boolean;
  default?: string | number | boolean;
}

/**
 * Parses `--name value` / `--name=value` / `--flag` arguments against a spec. Unknown flags are a
 * UsageError naming the nearest valid flag and listing all of them.
 */
export function parseFlags(
  argv: string[],
  specs: readonly FlagSpec[],
): { flags: Record<string, string | number | boolean>; positional: string[] } {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const flags: Record<string, string | number | boolean> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const spec = byName.get(name);
    if (!spec) {
      const near = closestMatch(name, [...byName.keys()]);
      throw new UsageError(
        `unknown flag --${name}.${near ? ` Did you mean --${near}?` : ''} Valid flags: ${specs.map((s) => `--${s.name}`).join(', ')}`,
      );
    }
    if (spec.type === 'boolean') {
      flags[name] = value === undefined ? true : value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
    }
    if (spec.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`--${name} needs a number, got '${value}'`);
      flags[name] = n;
    } else flags[name] = value;
  }
  for (const s of specs) {
    if (flags[s.name] === undefined) {
      if (s.required) throw new UsageError(`missing required flag --${s.name}`);
      if (s.default !== undefined) flags[s.name] = s.default;
    }
  }
  return { flags, positional };
}
