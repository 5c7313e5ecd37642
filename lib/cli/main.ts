/**
 * The `gradient-dojo` command line. Each subcommand is one file in `./commands/`, named as the
 * command (`ale-trace.ts` is `gradient-dojo ale-trace`), exporting a `command: CliCommand`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { closestMatch } from '../util/text';

import { type CliCommand, UsageError } from './command';

export { type CliCommand, UsageError } from './command';

function commandNames(): string[] {
  return readdirSync(join(__dirname, 'commands'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

function loadCommand(name: string): CliCommand {
  return require(join(__dirname, 'commands', name)).command as CliCommand;
}

export async function main(argv: string[]): Promise<number> {
  const names = commandNames();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log('Usage: gradient-dojo <command> [options]\n\nCommands:');
    for (const n of names) console.log(`  ${n.padEnd(12)} ${loadCommand(n).summary}`);
    console.log('\nRun `gradient-dojo <command> --help` for the options of one command.');
    return name ? 0 : 1;
  }
  if (!names.includes(name)) {
    const near = closestMatch(name, names);
    console.error(`gradient-dojo: unknown command '${name}'.${near ? ` Did you mean '${near}'?` : ''} Commands: ${names.join(', ')}`);
    return 2;
  }
  const cmd = loadCommand(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`gradient-dojo ${name}: ${err.message}\n\n${cmd.usage}`);
      return 2;
    }
    throw err;
  }
}
