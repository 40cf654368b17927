// A command line's mistakes, as the toolkit's commands report them: a UsageError's message says
// what was wrong and what is allowed; the command prints it with its usage and exits 2, having
// changed nothing.
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A bad command line: the message says what was wrong; the command exits 2 and changes nothing. */
export class UsageError extends Error {}

/** node:util's parseArgs, strict and with positionals, its refusal thrown as a UsageError. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
