import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  /** The target from DESIGN.md, as text, or '' when there is none. */
  target: string;
  /** null when the metric has no target. */
  pass: boolean | null;
}

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

/** Prints a Markdown table (pasteable into closing notes) and writes the rows as JSON. */
export function report(name: string, rows: BenchRow[], context: Record<string, unknown> = {}): void {
  const lines = [
    `### ${name}`,
    '',
    '| metric | value | target | |',
    '|---|---:|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.metric} | ${formatValue(row.value)} ${row.unit} | ${row.target} | ${row.pass === null ? '' : row.pass ? 'ok' : 'MISSED'} |`,
    ),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    `${RESULTS}${name}.json`,
    `${JSON.stringify({ name, time: new Date().toISOString(), node: process.version, ...context, rows }, null, 2)}\n`,
  );
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
}
