import type { DropReason } from './log-file-writer.js';

/** The system entry written where lines are missing from a file: never a silent gap. */
export function dropMessage(count: number, reason: DropReason, file: string): string {
  const lines = count === 1 ? '1 line' : `${count} lines`;
  return reason === 'behind'
    ? `ovrseer: ${lines} dropped from ${file}: the disk fell behind the output (kept in memory while they fit)`
    : `ovrseer: ${lines} not written to ${file} after a disk error`;
}
