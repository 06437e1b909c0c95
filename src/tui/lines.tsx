import { Box, Transform } from 'ink';
import { useCallback } from 'react';
import { clipLine } from './format.js';

export interface LinesProps {
  lines: readonly string[];
  /** Rows the block takes; missing lines are blank so what follows never moves. */
  height: number;
  width: number;
}

/** The blank block ink lays out in place of the lines: one per size, so ink's caches stay small. */
const placeholders = new Map<string, string>();

function placeholder(width: number, height: number): string {
  const key = `${width}x${height}`;
  let block = placeholders.get(key);
  if (block === undefined) {
    block = Array.from({ length: height }, () => ' '.repeat(width)).join('\n');
    if (placeholders.size > 64) placeholders.clear();
    placeholders.set(key, block);
  }
  return block;
}

/**
 * A block of pre-formatted lines (colours included), cut to the width here. Ink measures and wraps
 * every distinct text it lays out and keeps the result forever (its caches have no bound, see
 * vadimdemedes/ink#986), which a scrolling log would grow without end; so ink lays out a blank block
 * of the right size and `<Transform>` swaps the real lines in as the frame is written.
 */
export function Lines({ lines, height, width }: LinesProps) {
  const rows = Math.max(0, height);
  const columns = Math.max(1, width);
  const transform = useCallback(
    (_line: string, index: number): string => clipLine(lines[index] ?? '', columns),
    [lines, columns],
  );
  if (rows === 0) return null;
  return (
    <Box height={rows} width={columns}>
      <Transform transform={transform}>{placeholder(columns, rows)}</Transform>
    </Box>
  );
}
