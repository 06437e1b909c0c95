import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  /** The target (README, docs/decisions.md), as text, or '' when there is none. */
  target: string;
  /** null when the metric has no target. */
  pass: boolean | null;
  /** What the table shows instead of `value unit`, one cell per column of `report`'s `columns`. */
  cells?: string[];
}

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

/**
 * Prints a Markdown table (pasteable into closing notes) and writes the rows as JSON. With `columns`,
 * the value column becomes those columns, filled from each row's `cells` (side-by-side figures).
 */
export function report(
  name: string,
  rows: BenchRow[],
  context: Record<string, unknown> = {},
  columns: readonly string[] = ['value'],
): void {
  const valueCells = (row: BenchRow): string[] => row.cells ?? [`${formatValue(row.value)} ${row.unit}`];
  const lines = [
    `### ${name}`,
    '',
    `| metric | ${columns.join(' | ')} | target | |`,
    `|---|${columns.map(() => '---:|').join('')}---|---|`,
    ...rows.map(
      (row) =>
        `| ${row.metric} | ${valueCells(row).join(' | ')} | ${row.target} | ${row.pass === null ? '' : row.pass ? 'ok' : 'MISSED'} |`,
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

/** A table row; `target` and `pass` stay empty for figures that have no target. */
export function row(
  metric: string,
  value: number,
  unit: string,
  target = '',
  pass: boolean | null = null,
): BenchRow {
  return { metric, value, unit, target, pass };
}

/** The value at quantile `q` (0.5 = median) of a sample. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
}
