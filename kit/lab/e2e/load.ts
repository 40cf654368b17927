// A steady HTTP load during a fault, with vegeta (pinned in kit/go/e2e/go.mod): `vegeta attack`
// at a fixed rate, capped in time (so in count too) even if nobody stops it, and stopped with
// SIGINT when the case ends (vegeta then writes the results it has). Its JSON report gives the
// requests sent and the share that succeeded; its per-request JSON (`vegeta encode`) gives the
// rest, which no vegeta report computes: the longest time without a successful request and the
// send time of every failure (to check that failures fall inside a recovery window).
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { run } from '../../pkg/common/process';
import { makeTempDir, removeTempDir } from '../../pkg/common/temp-dir';
import { requireLocalRoutes } from './routes';

/**
 * Addresses the load may target, all on this machine (kit/lab/cluster/env.sh): loopback, the real
 * nodes' pods (CLUSTER_CIDR), the node network of nodes 2..N and the Services' ClusterIPs.
 */
const ALLOWED_TARGET =
  /^http:\/\/(127\.0\.0\.1|10\.244\.\d{1,3}\.\d{1,3}|10\.245\.0\.\d{1,3}|10\.96\.\d{1,3}\.\d{1,3})(:\d+)?\//;

/** How a load runs. */
export interface LoadOptions {
  /** Requests per second. */
  readonly rate: number;
  /** The most it may run, in seconds, if it is not stopped before. */
  readonly maxSeconds: number;
  /** How long one request may take, in seconds, before it counts as failed. */
  readonly timeoutSeconds: number;
}

/** The load of every fault case (faults.test.ts, node-loss.test.ts): at most 50 × 180 requests. */
export const CASE_LOAD: LoadOptions = { rate: 50, maxSeconds: 180, timeoutSeconds: 2 };
/** Load before a fault and after its recovery, so a case's table shows both sides of it. */
export const BASELINE_MS = 2_000;
export const TAIL_MS = 3_000;
/** How often a case polls for recovery: the resolution of its recovery times. */
export const POLL_MS = 250;

/** What a load measured. */
export interface LoadResult {
  readonly sent: number;
  readonly succeeded: number;
  readonly failed: number;
  /** The longest time, in ms, between two successful requests' send times (or the start or end of the load). */
  readonly longestGapMs: number;
  /** When the load started and ended (epoch ms). */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Send time (epoch ms), target and error of each failed request. */
  readonly failures: readonly { at: number; url: string; error: string }[];
  /** vegeta's own summary of the errors and status codes. */
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly errors: readonly string[];
}

/** The fields of `vegeta report -type=json` read here. */
export interface VegetaReport {
  readonly requests: number;
  /** The share of requests answered 2xx or 3xx. */
  readonly success: number;
  readonly earliest: string;
  readonly end: string;
  readonly status_codes: Record<string, number>;
  readonly errors: string[] | null;
}

/** A running `vegeta attack`. */
export class Load {
  private readonly exited: Promise<void>;

  private constructor(
    private readonly vegeta: string,
    private readonly results: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
  }

  /** Starts `vegeta attack` on `targets` (GET, round robin). */
  static start(vegeta: string, targets: readonly string[], options: LoadOptions): Load {
    const wrong = targets.filter((target) => !ALLOWED_TARGET.test(target));
    if (targets.length === 0 || wrong.length > 0) {
      throw new Error(
        `load targets must be http:// URLs on 127.0.0.1, the pods' 10.244.0.0/16, the nodes' 10.245.0.0/24 or the Services' 10.96.0.0/16 (got ${JSON.stringify(targets)})`,
      );
    }
    // An address of the cluster's ranges stays on this machine only while its route does.
    requireLocalRoutes(targets);
    const dir = makeTempDir('k8s-sandbox-load-');
    const targetFile = path.join(dir, 'targets');
    writeFileSync(targetFile, targets.map((target) => `GET ${target}\n`).join('\n'));
    const results = path.join(dir, 'results.bin');
    const child = spawn(
      vegeta,
      [
        'attack',
        `-rate=${options.rate}/1s`,
        `-duration=${options.maxSeconds}s`,
        `-timeout=${options.timeoutSeconds}s`,
        `-targets=${targetFile}`,
        `-output=${results}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return new Load(vegeta, results, child);
  }

  /** Stops the load (SIGINT: vegeta stops sending and writes what it has) and measures it. */
  async stop(): Promise<LoadResult> {
    this.child.kill('SIGINT');
    await this.exited;
    const report = JSON.parse((await run(this.vegeta, ['report', '-type=json', this.results])).stdout) as VegetaReport;
    const encoded = (await run(this.vegeta, ['encode', '-to=json', this.results])).stdout;
    removeTempDir(path.dirname(this.results));
    return summarize(report, encoded);
  }
}

/** vegeta's report plus what its per-request results say (see the file's comment). */
export function summarize(report: VegetaReport, encoded: string): LoadResult {
  const results = encoded
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { code: number; timestamp: string; url: string; error: string })
    .map((r) => ({ ...r, at: Date.parse(r.timestamp), ok: r.code >= 200 && r.code < 400 }))
    .sort((a, b) => a.at - b.at);
  const startedAt = Date.parse(report.earliest);
  const endedAt = Date.parse(report.end);
  let longestGapMs = 0;
  let lastSuccess = startedAt;
  for (const result of results.filter((r) => r.ok)) {
    longestGapMs = Math.max(longestGapMs, result.at - lastSuccess);
    lastSuccess = result.at;
  }
  longestGapMs = Math.max(longestGapMs, endedAt - lastSuccess);
  const succeeded = Math.round(report.requests * report.success);
  return {
    sent: report.requests,
    succeeded,
    failed: report.requests - succeeded,
    longestGapMs,
    startedAt,
    endedAt,
    failures: results.filter((r) => !r.ok).map((r) => ({ at: r.at, url: r.url, error: r.error || `HTTP ${r.code}` })),
    statusCodes: report.status_codes,
    errors: report.errors ?? [],
  };
}
