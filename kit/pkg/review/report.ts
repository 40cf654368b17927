// How `npm run diff` shows a ManifestDiff: plain text for a terminal, Markdown for a pull
// request's job summary. Pure functions of the diff, so both are tested without git or synth.
import { displayId } from '../common/kube';
import { formatPath } from '../common/field-path';
import { markdownTable } from '../common/markdown-table';
import type { Flag, ManifestDiff } from './manifest-diff';

/** What the report compares, and anything the reader should know about how. */
export interface ReportOptions {
  /** What was synthesized before, e.g. `merge base with main (1a2b3c4)`. */
  readonly before: string;
  /** What was synthesized after, e.g. `work tree`. */
  readonly after: string;
  /** Caveats about the comparison, shown under the heading. */
  readonly notes?: readonly string[];
  /** ANSI colours, for a terminal. */
  readonly color?: boolean;
}

const MARK = { added: '+', removed: '-', changed: '~' } as const;

/** A value as a reader expects it: `nginx:1.14.2`, `3`, `"80"` (a string that looks like a number), `(none)`. */
export function formatValue(value: unknown): string {
  if (value === undefined) {
    return '(none)';
  }
  if (typeof value === 'string') {
    // Quote only what would otherwise read as another type or hide spaces.
    const plain = /^[\w./:@%+~-]+$/.test(value) && !/^(-?[\d.]+(e\d+)?|true|false|null)$/i.test(value);
    return plain ? value : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

function counts(diff: ManifestDiff) {
  const flags: Flag[] = diff.objects.flatMap((o) => [...o.flags, ...o.fields.flatMap((f) => f.flags)]);
  const count = (change: string) => diff.objects.filter((o) => o.change === change).length;
  return {
    summary: `${count('changed')} changed, ${count('added')} added, ${count('removed')} removed`,
    immutable: flags.filter((f) => f.level === 'immutable').length,
    risky: flags.filter((f) => f.level === 'risky').length,
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The diff for a terminal: one block per object, one line per field, flags under their field. */
export function textReport(diff: ManifestDiff, options: ReportOptions): string {
  const paint = (code: string, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const colors = { added: '32', removed: '31', changed: '33' } as const;
  const flagLine = (flag: Flag, indent: string) =>
    (flag.level === 'immutable'
      ? `${indent}${paint('1;31', '!! cannot apply in place:')} ${flag.reason}`
      : `${indent}${paint('33', '! risky:')} ${flag.reason}`) +
    (flag.remedy ? `\n${indent}  remedy: ${flag.remedy}` : '');

  const lines = [`Manifest changes, ${options.before} -> ${options.after}`];
  for (const note of options.notes ?? []) {
    lines.push(`note: ${note}`);
  }
  if (diff.objects.length === 0) {
    lines.push('No manifest changes.');
    return `${lines.join('\n')}\n`;
  }
  const { summary, immutable, risky } = counts(diff);
  lines.push(
    `${summary}; ${plural(immutable, 'change', 'changes')} kubectl apply cannot make in place, ${risky} risky`,
  );
  for (const object of diff.objects) {
    lines.push('', paint(colors[object.change], `${MARK[object.change]} ${displayId(object.id)}`));
    lines.push(...object.flags.map((flag) => flagLine(flag, '    ')));
    for (const field of object.fields) {
      lines.push(`    ${formatPath(field.path)}: ${formatValue(field.before)} -> ${formatValue(field.after)}`);
      lines.push(...field.flags.map((flag) => flagLine(flag, '      ')));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Inline code that survives backticks in the text (in a table, markdownTable escapes its pipes). */
function code(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function markdownFlag(flag: Flag): string {
  const text = flag.level === 'immutable' ? `⛔ cannot apply in place: ${flag.reason}` : `⚠️ risky: ${flag.reason}`;
  return flag.remedy ? `${text}; remedy: ${code(flag.remedy)}` : text;
}

/** The diff as GitHub Markdown, for $GITHUB_STEP_SUMMARY: a heading per object, a table of its fields. */
export function markdownReport(diff: ManifestDiff, options: ReportOptions): string {
  const lines = ['### Manifest changes', '', `${options.before} → ${options.after}`];
  for (const note of options.notes ?? []) {
    lines.push('', `> **Note:** ${note}`);
  }
  if (diff.objects.length === 0) {
    lines.push('', 'No manifest changes.');
    return `${lines.join('\n')}\n`;
  }
  const { summary, immutable, risky } = counts(diff);
  lines.push('', `${summary}.`);
  if (immutable > 0) {
    lines.push('', `⛔ **${plural(immutable, 'change', 'changes')} \`kubectl apply\` cannot make in place**`);
  }
  if (risky > 0) {
    lines.push('', `⚠️ **${plural(risky, 'risky change', 'risky changes')}**`);
  }
  for (const object of diff.objects) {
    lines.push('', `#### ${MARK[object.change]} ${code(displayId(object.id))} ${object.change}`);
    if (object.flags.length > 0) {
      lines.push('', ...object.flags.map((flag) => `- ${markdownFlag(flag)}`));
    }
    if (object.fields.length > 0) {
      const rows = object.fields.map((field) => [
        ...[formatPath(field.path), formatValue(field.before), formatValue(field.after)].map((cell) => code(cell)),
        field.flags.map(markdownFlag).join('<br>'),
      ]);
      lines.push('', markdownTable(['field', 'before', 'after', 'note'], rows));
    }
  }
  return `${lines.join('\n')}\n`;
}
