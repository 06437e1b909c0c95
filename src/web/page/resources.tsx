import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { getJson } from './api.js';
import { bytes } from './format.js';
import type { LiveState, Series } from './live.js';

interface History {
  points: { time: number; cpu: number | null; rss: number }[];
  memoryLimit: number | null;
  cpuLimit: number | null;
}

/**
 * CPU and memory over time for one process (uPlot): the supervisor's kept history (about 10
 * minutes), then the figures pushed since; the memory and CPU limits drawn as lines; the sampler's
 * warnings (a leak, a limit) above.
 */
export function Resources({ live }: { live: LiveState }) {
  const names = live.rows.map((row) => row.name);
  const [name, setName] = useState('');
  const chosen = name !== '' && names.includes(name) ? name : (names[0] ?? '');
  const [history, setHistory] = useState<History | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (chosen === '') return;
    setHistory(null);
    getJson<History>(`/v1/processes/${encodeURIComponent(chosen)}/history`).then(
      (answer) => {
        setHistory(answer);
        setError(null);
      },
      (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
    );
  }, [chosen]);
  const series = merged(history, live.history.get(chosen));
  const warnings = live.warnings.filter((warning) => warning.process === chosen);
  return (
    <section className="resources">
      <div className="toolbar">
        <select aria-label="process" value={chosen} onChange={(event) => setName(event.target.value)}>
          {names.map((entry) => (
            <option key={entry}>{entry}</option>
          ))}
        </select>
        <span className="hint">the supervisor’s kept history, then live</span>
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {warnings.map((warning) => (
        <p key={`${warning.time}-${warning.kind}`} className="warning" role="status">
          {warning.kind}: {warning.message}
        </p>
      ))}
      <Chart
        title="CPU (% of one core)"
        series={series}
        pick="cpu"
        limit={history?.cpuLimit ?? null}
        version={live.version}
      />
      <Chart
        title="memory (whole tree)"
        series={series}
        pick="memory"
        limit={history?.memoryLimit ?? null}
        version={live.version}
      />
    </section>
  );
}

/** The fetched history, then the live points newer than its last one. */
function merged(history: History | null, live: Series | undefined): Series {
  const out: Series = { time: [], cpu: [], memory: [] };
  for (const point of history?.points ?? []) {
    out.time.push(point.time / 1000);
    out.cpu.push(point.cpu);
    out.memory.push(point.rss);
  }
  const last = out.time.at(-1) ?? 0;
  if (live !== undefined)
    live.time.forEach((time, index) => {
      if (time <= last) return;
      out.time.push(time);
      out.cpu.push(live.cpu[index] ?? null);
      out.memory.push(live.memory[index] ?? null);
    });
  return out;
}

const FORMAT = {
  cpu: (value: number): string => `${value.toFixed(0)}%`,
  memory: (value: number): string => bytes(value),
};

function Chart(props: {
  title: string;
  series: Series;
  pick: 'cpu' | 'memory';
  limit: number | null;
  version: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { series, pick, version, title, limit } = props;
  const color = pick === 'cpu' ? '#3b82f6' : '#a855f7';
  useEffect(() => {
    if (box.current === null) return;
    const width = Math.max(300, box.current.clientWidth);
    plot.current = new uPlot(
      {
        title,
        width,
        height: 220,
        scales: { x: { time: true } },
        axes: [{}, { values: (_self, ticks) => ticks.map((tick) => FORMAT[pick](tick)), size: 70 }],
        series: [
          {},
          { label: pick, stroke: color, width: 1.5, fill: `${color}22` },
          { label: 'limit', stroke: '#cf222e', width: 1, dash: [6, 4], points: { show: false } },
        ],
      },
      [[], [], []],
      box.current,
    );
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [pick, title, color]);
  useEffect(() => {
    void version;
    const limits = series.time.map(() => limit);
    plot.current?.setData([series.time, series[pick], limits] as uPlot.AlignedData);
  }, [series, pick, version, limit]);
  return <div className="chart" ref={box} data-points={series.time.length} />;
}
