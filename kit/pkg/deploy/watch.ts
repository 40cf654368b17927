// The waiting of `npm run apply`, as deploy.ts sees it: kstatus-watch (main.go) started on the
// deploy's objects, its lines turned into progress lines, and three moments deploy.ts waits
// for: the watches are ready (Helm may start), everything is healthy, or a failure persisted
// (failfast.go says which and why).
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { type KubeObject, type ObjectId, displayId, getPath } from '../common/kube';

/** One object to watch, and what it needs beyond kstatus's Current. */
export interface Watched {
  readonly id: ObjectId;
  readonly object: KubeObject;
}

/** What kstatus-watch reads on stdin for each object (main.go's header says the format). */
export function watchInput(objects: readonly Watched[]): string {
  return objects
    .map(({ id, object }) => {
      let check = '';
      if (id.group === '' && id.kind === 'Pod') {
        const containers =
          (getPath(object, 'spec', 'containers') as { name: string; image: string }[] | undefined) ?? [];
        check = containers.map((c) => `${c.name}=${c.image}`).join(',');
      } else if (id.group === '' && id.kind === 'Service' && getPath(object, 'spec', 'selector')) {
        check = 'endpoints';
      }
      return `${[id.group, id.kind, id.namespace, id.name, check].join('\t')}\n`;
    })
    .join('');
}

/** A line of kstatus-watch, as the deploy's progress shows it; undefined for those it keeps quiet. */
export type WatchLine =
  | { readonly type: 'synced' | 'healthy' | 'unhealthy' }
  | {
      readonly type: 'status' | 'ready' | 'failing' | 'failed' | 'error';
      readonly object: string;
      readonly text: string;
    };

/** Parses one stdout line of kstatus-watch. */
export function parseWatchLine(line: string): WatchLine | undefined {
  const [type = '', ...fields] = line.split('\t');
  switch (type) {
    case 'synced':
    case 'healthy':
    case 'unhealthy':
      return { type };
    case 'status': {
      const [kind = '', namespace = '', name = '', status = '', message = ''] = fields;
      const object = displayId({ group: '', kind, namespace, name });
      return { type, object, text: `${object}: ${status}${message ? `: ${message}` : ''}` };
    }
    case 'ready':
    case 'failed': {
      const [kind = '', namespace = '', name = '', message = ''] = fields;
      const object = displayId({ group: '', kind, namespace, name });
      return { type, object, text: `${object}: ${message}` };
    }
    case 'failing': {
      const [namespace = '', pod = '', container = '', reason = '', message = ''] = fields;
      const object = displayId({ group: '', kind: 'Pod', namespace, name: pod });
      const what = container ? `container ${container}: ` : '';
      return {
        type,
        object,
        text: `${object}: ${what}${reason}${message ? `: ${message}` : ''} (the deploy fails if this persists)`,
      };
    }
    case 'error':
      return { type, object: 'watch', text: `kstatus-watch: ${fields.join(' ')}` };
    default:
      return undefined;
  }
}

export interface Watch {
  /** The watches have their first lists: what exists now is the state before the deploy. */
  readonly synced: Promise<void>;
  /** Resolves once everything is healthy (at once if it is now). */
  healthy(): Promise<void>;
  /** Resolves with the first failure that persisted ("Pod/ns/name: container c: Reason: ..."). */
  readonly failed: Promise<string>;
  /** The last kstatus line of each object, by `Kind/namespace/name`. */
  latest(): Map<string, string>;
  stop(): void;
}

/** Calls `onLine` with each whole line that `stream` writes. */
function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let buffer = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    lines.forEach((line) => onLine(line));
  });
}

/** A promise and the function that resolves it. */
function deferred<T>(): { readonly promise: Promise<T>; readonly resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A flag to wait on: `whenSet()` resolves at once while it is set, else when it is next set. */
function awaitableFlag(): { set(value: boolean): void; whenSet(): Promise<void> } {
  let isSet = false;
  let waiters: (() => void)[] = [];
  return {
    set(value) {
      isSet = value;
      if (value) {
        waiters.forEach((resolve) => resolve());
        waiters = [];
      }
    },
    whenSet: () => (isSet ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}

/**
 * Starts kstatus-watch on `objects`; each status change becomes one `log` line. Given a promise,
 * the program starts at once and waits, reading its stdin, until the objects are known (it
 * contacts no cluster before): its start overlaps what the objects wait on (the target's
 * namespace). Until then nothing is logged, and a stop then (the target could not be resolved)
 * leaves no line.
 */
export function startWatch(
  bin: string,
  flags: readonly string[],
  objects: readonly Watched[] | Promise<readonly Watched[]>,
  log: (line: string) => void,
): Watch {
  const latest = new Map<string, string>();
  const synced = deferred<void>();
  const failed = deferred<string>();
  const healthy = awaitableFlag();
  let stopped = false;
  let given = false;
  const held: string[] = [];
  const say = (line: string) => {
    if (given) {
      log(line);
    } else {
      held.push(line);
    }
  };
  const child = spawn(bin, flags, { stdio: ['pipe', 'pipe', 'pipe'] });
  // A watcher that died before its input was written closes the pipe: `gone` says so.
  child.stdin.on('error', () => undefined);
  void Promise.resolve(objects).then(
    (list) => {
      if (!stopped) {
        given = true;
        held.splice(0).forEach(log);
        child.stdin.end(watchInput(list));
      }
    },
    () => undefined,
  );
  eachLine(child.stdout, (line) => {
    const parsed = parseWatchLine(line);
    if (parsed === undefined) {
      return;
    }
    switch (parsed.type) {
      case 'synced':
        synced.resolve();
        break;
      case 'healthy':
      case 'unhealthy':
        healthy.set(parsed.type === 'healthy');
        break;
      case 'failed':
        // deploy.ts prints it, as the reason the deploy failed.
        failed.resolve(parsed.text);
        break;
      default:
        if (parsed.type === 'status') {
          latest.set(parsed.object, parsed.text);
        }
        say(parsed.text);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => say(`kstatus-watch: ${chunk.trim()}`));
  // A watcher that cannot start or dies leaves the wait to Helm (and --timeout): say so once.
  const gone = (why: string) => {
    say(`kstatus-watch: ${why}; waiting on Helm alone`);
    synced.resolve();
    healthy.set(true);
  };
  child.on('error', (error) => gone(error.message));
  child.on('exit', (code, signal) => {
    if (!stopped) {
      gone(`exited (${signal ?? `code ${code}`})`);
    }
  });
  return {
    synced: synced.promise,
    failed: failed.promise,
    healthy: () => healthy.whenSet(),
    latest: () => latest,
    stop: () => {
      stopped = true;
      child.kill();
    },
  };
}
