import { queryLogFiles } from './file-reader.js';
import type { LogStore } from './log-store.js';
import { applyLimit, mergeByTime } from './query.js';
import type { LogQuery, LogQueryResult } from './types.js';

/**
 * A query over a running project's logs: the store first, then — when the buffer does not reach back
 * far enough — the files, for each instance only what is older than its oldest buffered line. This is
 * what the API answers `GET /v1/logs` with; `after` (following) is answered from the store alone.
 */
export async function queryLogHistory(
  store: LogStore,
  files: { dir: string; names: readonly string[] } | null,
  query: LogQuery,
): Promise<LogQueryResult> {
  const live = store.query(query);
  if (files === null || query.after !== undefined) return live;
  if (query.limit !== undefined && live.entries.length >= query.limit) return live;
  const older = await queryLogFiles(
    {
      dir: files.dir,
      names: files.names,
      growing: true,
      before: (process) => store.oldestTime(process),
    },
    query.limit === undefined ? query : { ...query, limit: query.limit - live.entries.length },
  );
  const entries = mergeByTime([older.entries, live.entries]);
  return {
    entries: applyLimit(entries, query.limit ?? Number.POSITIVE_INFINITY, false),
    cursor: live.cursor,
  };
}
