// The one way the tools run another program: Node's execFile, promisified. A failure says the
// command, where it ran and what it printed, never a stack trace.
import { type ExecFileException, execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Where to get the programs the tools run, for the message when one is not installed. */
const WHERE_TO_GET: Readonly<Record<string, string>> = {
  kubectl: 'https://kubernetes.io/docs/tasks/tools/',
  go: 'https://go.dev/dl/',
  git: 'https://git-scm.com/downloads',
};

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Written to the program's stdin, which then ends. A promise holds stdin open until it
   * resolves: a program that reads its stdin waits there (`helm upgrade --values=-`, which reads its
   * values before it changes anything, is started early and let go once the deploy's preview is
   * shown). A program that exits before reading it is not an error of the write.
   */
  readonly input?: string | Promise<string>;
  /** Exit codes that mean success with findings, not a failure (kubeconform and kube-score exit 1). */
  readonly okExitCodes?: readonly number[];
  /** Also copy the program's output to stderr as it comes (a long build's progress). */
  readonly echo?: boolean;
  /** What to say when the program is not installed, instead of the general message. */
  readonly notInstalled?: string;
  /**
   * When this aborts, the program is sent SIGTERM (to stop as it does on Ctrl-C: Helm then
   * records its release as failed), and its exit is returned or thrown as any other.
   */
  readonly stop?: AbortSignal;
}

/** What a program printed, and its exit code (0 or one of `okExitCodes`). */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs `command args`; rejects with a readable message when it cannot start or fails. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = execFileAsync(command, args, {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (options.echo) {
    started.child.stdout?.on('data', (chunk) => process.stderr.write(chunk));
    started.child.stderr?.on('data', (chunk) => process.stderr.write(chunk));
  }
  if (typeof options.input === 'string') {
    started.child.stdin?.end(options.input);
  } else if (options.input !== undefined) {
    // A program that is stopped, or exits, before its input is ready closes the pipe (EPIPE).
    started.child.stdin?.on('error', () => undefined);
    void options.input.then((input) => started.child.stdin?.end(input));
  }
  options.stop?.addEventListener('abort', () => started.child.kill('SIGTERM'), { once: true });
  try {
    const { stdout, stderr } = await started;
    return { stdout, stderr, code: 0 };
  } catch (caught) {
    const error = caught as ExecFileException & { stdout?: string; stderr?: string };
    if (typeof error.code === 'number' && (options.okExitCodes ?? []).includes(error.code)) {
      return { stdout: error.stdout ?? '', stderr: error.stderr ?? '', code: error.code };
    }
    if (error.code === 'ENOENT') {
      const where = WHERE_TO_GET[command] === undefined ? '' : `; install it from ${WHERE_TO_GET[command]}`;
      throw new Error(options.notInstalled ?? `${command} could not start: it is not installed or not on PATH${where}`);
    }
    const output = `${error.stderr ?? ''}${error.stdout ?? ''}`.trim();
    const where = options.cwd === undefined ? '' : ` in ${options.cwd}`;
    // A program ended by a signal has no exit code: execFile gives code null and the signal.
    const how = error.signal ? `was stopped (${error.signal})` : `failed with exit code ${error.code}`;
    throw new Error(`\`${[command, ...args].join(' ')}\`${where} ${how}${output === '' ? '' : `:\n${output}`}`);
  }
}

/**
 * Runs a command's `main` and exits with the code it returns; when it throws, prints
 * `prefix: message` (the reason, never a stack trace) and exits with `failureCode`. Sets the
 * exit code rather than calling process.exit, so what was written to stdout is all delivered.
 */
export function runMain(prefix: string, main: () => Promise<number>, failureCode = 1): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`${prefix}: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = failureCode;
    },
  );
}
