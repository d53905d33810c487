/**
 * The command line of every `npm run` command: `--help` prints the usage and exits 0; an option the
 * command does not know, a missing value or a bad one prints the reason and the usage and exits 2
 * (the shell convention for wrong usage); nothing a user types ends in a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

interface CommandLine<O extends Options> {
  /** The usage text: what the command does, its synopsis and each option. */
  readonly usage: string;
  readonly options: O;
  /** Positional arguments accepted at most (default 0). */
  readonly positionals?: number;
}

/** A usage error: the caller prints it with the usage and exits 2. */
class UsageError extends Error {}

export function parseCommandLine<O extends Options>(spec: CommandLine<O>, argv: string[] = process.argv.slice(2)) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${spec.usage.trim()}\n`);
    process.exit(0);
  }
  try {
    const parsed = parseArgs({ args: argv, options: spec.options, allowPositionals: (spec.positionals ?? 0) > 0, strict: true });
    if (parsed.positionals.length > (spec.positionals ?? 0)) throw new UsageError(`Unexpected argument ${parsed.positionals[spec.positionals ?? 0]}.`);
    return parsed;
  } catch (error) {
    return exitWithUsage(spec.usage, (error as Error).message);
  }
}

/** Prints the reason and the usage to stderr and exits 2. */
export function exitWithUsage(usage: string, reason: string): never {
  process.stderr.write(`${reason}\n\n${usage.trim()}\n`);
  process.exit(2);
}

/** An option's value as a whole number of at least `min`, or the usage and exit 2. */
export function integerOption(usage: string, name: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) exitWithUsage(usage, `--${name} must be a whole number of at least ${min}, not ${text}.`);
  return value;
}
