// The connectivity truth table: sources by targets, each cell what the NetworkPolicies allow
// (kit/pkg/netpol/evaluate.ts) and what a real TCP connect saw, printed as two aligned tables and
// compared cell by cell, as the upstream NetworkPolicy e2e tests and cyclonus print theirs.

/** What one TCP connect saw: it connected, the peer refused it (so nothing dropped it), or it timed out. */
export type Observed = 'open' | 'refused' | 'blocked';

/** One cell; a pair that is not probed (a pod to itself, the node to itself) has no cell. */
export interface Cell {
  readonly source: string;
  readonly target: string;
  readonly expected: boolean;
  /** Why the policies allow or deny it. */
  readonly reason: string;
  readonly observed: Observed;
}

/** A cell that differs from the policies and is known to, with the evidence of why. */
export interface KnownDivergence {
  /** `source -> target`, as {@link cellName} writes it. */
  readonly cell: string;
  /** What the enforcer does there. */
  readonly observed: 'reachable' | 'blocked';
  readonly evidence: string;
}

/** Reached the destination: the policies let it through (a refusal comes from the pod itself). */
export function reachable(observed: Observed): boolean {
  return observed !== 'blocked';
}

export function cellName(cell: Pick<Cell, 'source' | 'target'>): string {
  return `${cell.source} -> ${cell.target}`;
}

/**
 * The cells where observation and expectation differ, split into the known divergences (each
 * seen as listed) and the rest; and the listed divergences that did not happen (fixed, or gone).
 */
export function compare(
  cells: readonly Cell[],
  known: readonly KnownDivergence[],
): { unexpected: string[]; divergences: string[]; notSeen: string[] } {
  const unexpected: string[] = [];
  const divergences: string[] = [];
  for (const cell of cells) {
    if (cell.expected === reachable(cell.observed)) {
      continue;
    }
    const name = cellName(cell);
    const listed = known.find((k) => k.cell === name);
    const line = `${name}: expected ${cell.expected ? 'allowed' : 'denied'} (${cell.reason}), observed ${cell.observed}`;
    if (listed && (listed.observed === 'reachable') === reachable(cell.observed)) {
      divergences.push(`${line} [known: ${listed.evidence}]`);
    } else {
      unexpected.push(line);
    }
  }
  const notSeen = known
    .filter((k) => !divergences.some((line) => line.startsWith(`${k.cell}:`)))
    .map((k) => `${k.cell}: listed as a known divergence (${k.observed}) but the enforcer now matches the policies`);
  return { unexpected, divergences, notSeen };
}

/** The cells as a table, rows by source and columns by target, `value` in each cell, `·` where none. */
export function formatTable(title: string, cells: readonly Cell[], value: (cell: Cell) => string): string {
  const sources = [...new Set(cells.map((c) => c.source))];
  const targets = [...new Set(cells.map((c) => c.target))];
  const rows = [
    ['', ...targets],
    ...sources.map((source) => [
      source,
      ...targets.map((target) => {
        const cell = cells.find((c) => c.source === source && c.target === target);
        return cell ? value(cell) : '·';
      }),
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const lines = rows.map((row) =>
    row
      .map((text, column) => text.padEnd(widths[column]))
      .join('  ')
      .trimEnd(),
  );
  return [title, ...lines].join('\n');
}
