import { useEffect, useState } from 'react';
import { getJson, type Report, type ReportSummary } from './api.js';
import { clock } from './format.js';

/** Crash reports, newest first; one opens in full with its last log lines and restart history. */
export function Reports({
  onLogs,
  version,
}: {
  onLogs(process: string, since: string): void;
  version: number;
}) {
  const [list, setList] = useState<ReportSummary[] | null>(null);
  const [open, setOpen] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Asked again when something changed state (a crash writes a report): `version` is the live stream's.
  const tick = Math.floor(version / 10);
  useEffect(() => {
    void tick;
    getJson<ReportSummary[]>('/v1/reports').then(setList, (caught: unknown) =>
      setError(caught instanceof Error ? caught.message : String(caught)),
    );
  }, [tick]);
  const show = (id: string): void => {
    getJson<Report>(`/v1/reports/${encodeURIComponent(id)}`).then(setOpen, (caught: unknown) =>
      setError(caught instanceof Error ? caught.message : String(caught)),
    );
  };
  return (
    <section className="reports">
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="split">
        <ul className="report-list">
          {list?.length === 0 && <li className="empty">no crash reports</li>}
          {list?.map((report) => (
            <li key={report.id}>
              <button
                type="button"
                className={`link${open?.id === report.id ? ' current' : ''}`}
                onClick={() => show(report.id)}
              >
                <span className="time">{new Date(report.time).toLocaleString()}</span> <b>{report.process}</b>{' '}
                <span className="type">{report.type}</span> <span className="reason">{report.reason}</span>
              </button>
            </li>
          ))}
        </ul>
        {open !== null && (
          <article className="report">
            <h2>
              {open.process}: {open.type}
            </h2>
            <p>
              {new Date(open.time).toLocaleString()} · {open.reason}
              {open.exitCode !== null && ` · exit code ${open.exitCode}`}
              {open.signal !== null && ` · signal ${open.signal}`}{' '}
              <button
                type="button"
                className="link"
                onClick={() =>
                  onLogs(open.process, new Date((open.lines[0]?.time ?? open.time) - 1000).toISOString())
                }
              >
                its logs at that time
              </button>
            </p>
            {open.restartHistory.length > 0 && (
              <>
                <h3>restarts</h3>
                <ol className="restarts">
                  {open.restartHistory.map((restart) => (
                    <li key={restart.time}>
                      {clock(restart.time)} exit {restart.exitCode ?? '-'} {restart.signal ?? ''}{' '}
                      {restart.reason ?? ''}
                    </li>
                  ))}
                </ol>
              </>
            )}
            <h3>last lines</h3>
            <pre className="report-lines">
              {open.lines
                .map((line) => `${clock(line.time)} ${line.stream === 'err' ? 'E' : ' '} ${line.text}`)
                .join('\n')}
            </pre>
          </article>
        )}
      </div>
    </section>
  );
}
