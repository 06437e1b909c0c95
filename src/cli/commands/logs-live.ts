import type { LogRecord } from '../../logs/format.js';
import type { LogEntry, LogQuery } from '../../logs/types.js';
import type { ApiClient } from '../../supervisor/client.js';

/** An entry as `GET /v1/logs` sends it. */
type EntryJson = LogRecord & { seq: number };

/**
 * `logs -f` while a supervisor runs: the recent lines and then every new one straight from its live
 * buffer over the API (server-sent events), with the same filters — no waiting for file writes, and
 * processes that keep no log file are followed too. `selectors` go to the supervisor as they were
 * typed: it resolves them against the instances it runs (and says which exist when one does not).
 * Ends when `signal` aborts.
 */
export async function followLive(
  client: ApiClient,
  selectors: readonly string[],
  query: LogQuery,
  print: (entries: LogEntry[]) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const params = new URLSearchParams({ follow: '1', limit: String(query.limit ?? 100) });
  if (selectors.length > 0) params.set('names', selectors.join(','));
  if (typeof query.grep === 'string') params.set('grep', query.grep);
  if (query.fixed) params.set('fixed', '1');
  if (query.ignoreCase) params.set('ignore_case', '1');
  if (query.since !== undefined) params.set('since', new Date(query.since).toISOString());
  if (query.level !== undefined) params.set('level', query.level);
  await client.stream(
    `/v1/logs?${params.toString()}`,
    (_event, data) => {
      const entry = data as EntryJson;
      const instance = /\.(\d+)$/.exec(entry.process);
      print([
        {
          seq: entry.seq,
          time: Date.parse(entry.time),
          process: entry.process,
          name: entry.process.replace(/\.\d+$/, ''),
          instance: instance === null ? null : Number(instance[1]),
          stream: entry.stream,
          level: entry.level,
          text: entry.text,
        },
      ]);
    },
    signal,
  );
}
