// The toolkit's one Markdown table (GitHub's pipe table), for what is read on GitHub: the
// manifest diff's step summary, the tables of kit/docs/reliability.md and npm run bench's output.

/**
 * A table of `header` and `rows`, one line each, without a final newline. A `|` in a cell is
 * escaped (`\|`, which GitHub reads as a pipe inside a code span too). `align` has one letter per
 * column, `l` for text and `r` for numbers; by default every column is text.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align = 'l'.repeat(header.length),
): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = [...align].map((a) => (a === 'r' ? '---:' : '---'));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}
