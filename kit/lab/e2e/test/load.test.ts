// What the fault suite computes by hand from vegeta's results (kit/lab/e2e/load.ts): the longest
// time without a successful request and the failures, and which targets a load may have.
import { Load, summarize } from '../load';

const report = {
  requests: 5,
  success: 0.6,
  earliest: '2026-01-01T00:00:00.000Z',
  end: '2026-01-01T00:00:10.000Z',
  status_codes: { '0': 1, '200': 3, '503': 1 },
  errors: ['connection refused'],
};
/** One line of `vegeta encode -to=json` per [seconds after the start, status code]. */
function encoded(results: [number, number][]): string {
  return results
    .map(([at, code]) =>
      JSON.stringify({
        code,
        timestamp: new Date(Date.parse(report.earliest) + at * 1000).toISOString(),
        url: 'http://127.0.0.1:31515/',
        error: code === 0 ? 'connection refused' : '',
      }),
    )
    .join('\n');
}

test('the longest gap runs between two successes, whatever failed in between', () => {
  const result = summarize(
    report,
    encoded([
      [0, 200],
      [1, 0],
      [4, 503],
      [6, 200],
      [7, 200],
    ]),
  );
  expect(result).toMatchObject({ sent: 5, succeeded: 3, failed: 2, longestGapMs: 6000 });
  expect(result.failures.map((f) => f.error)).toEqual(['connection refused', 'HTTP 503']);
});

test('the time from the last success to the end of the load counts as a gap', () => {
  expect(
    summarize(
      report,
      encoded([
        [0, 200],
        [1, 200],
        [2, 200],
        [3, 0],
        [4, 0],
      ]),
    ).longestGapMs,
  ).toBe(8000);
});

test('a load refuses a target off loopback and the pod network, naming what is allowed', () => {
  expect(() => Load.start('vegeta', ['http://192.168.1.1/'], { rate: 1, maxSeconds: 1, timeoutSeconds: 1 })).toThrow(
    "load targets must be http:// URLs on 127.0.0.1, the pods' 10.244.0.0/16, the nodes' 10.245.0.0/24 or the Services' 10.96.0.0/16 (got [\"http://192.168.1.1/\"])",
  );
});
