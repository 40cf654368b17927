// What every subcommand of sandbox-kit (kit/cmd/<name>.ts) shares: its command line is read once,
// the same way (node:util parseArgs, strict, kit/pkg/common/usage.ts), before anything is done:
//   - `--help` or `-h` prints the usage on stdout; exit 0;
//   - a bad command line prints one line naming what was wrong, then the usage, on stderr; exit 2,
//     nothing done. The subcommand's own checks of the values it got throw a UsageError the same way;
//   - an error once the command runs prints one line (its reason, never a stack trace); exit 1, the
//     subcommand's own failure code, or the error's own (a CommandFailure, or any error with a
//     numeric exitCode, as kit/pkg/synth/synth.ts's SynthRefused).
// A usage names the command as the user runs it in this app, `npm run check -- PATH`: that is how
// the README documents every command, and npm passes what follows `--` on, unchanged, to the
// script (`"check": "sandbox-kit check"`). A project that runs `npx sandbox-kit check PATH`
// reads the same options after the subcommand's name.
import type { ParseArgsConfig } from 'node:util';
import { UsageError, parseCommandLine } from '../pkg/common/usage';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A failure whose exit code is not the command's usual failure code. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Every command's own option: its usage. */
const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** A command line as parseCommandLine reads it with `O` and --help: `values` and `positionals`. */
export type CommandLine<O extends Options> = ReturnType<typeof parseCommandLine<O & typeof HELP>>;

/** A subcommand: what it is called, its usage and its options. */
export interface Command<O extends Options> {
  /** What begins each of its messages, e.g. `npm run diagram`. */
  readonly prefix: string;
  /** Its usage: `usage: npm run NAME -- ...` as the user runs it, and any lines that explain it. */
  readonly usage: string;
  /** Its options as util.parseArgs takes them, --help aside. */
  readonly options: O;
  /**
   * The exit code when it fails once the command line was read.
   * @default 1
   */
  readonly failureCode?: number;
}

/**
 * Reads `argv` as `command` says, then runs `run` with what it read; resolves to the exit code
 * (`run`'s own, 0 for --help, 2 for a bad command line, `failureCode` for an error).
 */
export async function runCommand<O extends Options>(
  argv: readonly string[],
  command: Command<O>,
  run: (line: CommandLine<O>) => Promise<number> | number,
): Promise<number> {
  try {
    const line = parseCommandLine(argv, { ...command.options, ...HELP });
    // parseArgs' types cannot resolve a generic O's values; help is HELP's, a boolean.
    if ((line.values as { help?: boolean }).help === true) {
      console.log(command.usage);
      return 0;
    }
    return await run(line);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${command.prefix}: ${error.message}\n${command.usage}`);
      return 2;
    }
    console.error(`${command.prefix}: ${error instanceof Error ? error.message : String(error)}`);
    const own = (error as { exitCode?: unknown } | undefined)?.exitCode;
    return typeof own === 'number' ? own : (command.failureCode ?? 1);
  }
}
