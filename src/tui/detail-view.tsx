import type { ProcessRow } from '../supervisor/process-rows.js';
import type { UiState } from './controller.js';
import { detailLines } from './detail-lines.js';
import type { Colors } from './format.js';
import { Lines } from './lines.js';
import type { TuiSource } from './source.js';

export interface DetailViewProps {
  details: NonNullable<UiState['details']>;
  rows: readonly ProcessRow[];
  source: TuiSource;
  c: Colors;
  width: number;
  height: number;
}

/** Enter: one process in depth — config, dependencies, restarts, the last crash, resource graphs. */
export function DetailView({ details, rows, source, c, width, height }: DetailViewProps) {
  const row = rows.find((candidate) => candidate.name === details.id);
  const points = source.history(details.id, 0);
  const lines = detailLines(row, details, rows, points, c, width);
  lines.push('', c.dim('  esc/enter back · r restart · s stop/start · R restart group · +/- scale'));
  return <Lines lines={lines} height={height} />;
}
