import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { bytes } from './format.js';
import type { LiveState, Series } from './live.js';

/** CPU and memory over time for one process (uPlot), from the figures pushed since the page opened. */
export function Resources({ live }: { live: LiveState }) {
  const names = live.rows.map((row) => row.name);
  const [name, setName] = useState('');
  const chosen = name !== '' && names.includes(name) ? name : (names[0] ?? '');
  const series = live.history.get(chosen);
  const warnings = live.warnings.filter((warning) => warning.process === chosen);
  return (
    <section className="resources">
      <div className="toolbar">
        <select aria-label="process" value={chosen} onChange={(event) => setName(event.target.value)}>
          {names.map((entry) => (
            <option key={entry}>{entry}</option>
          ))}
        </select>
        <span className="hint">one point every 2 s since this page opened</span>
      </div>
      {warnings.map((warning) => (
        <p key={`${warning.time}-${warning.kind}`} className="warning" role="status">
          {warning.kind}: {warning.message}
        </p>
      ))}
      {series !== undefined && (
        <>
          <Chart title="CPU (% of one core)" series={series} pick="cpu" version={live.version} />
          <Chart title="memory (whole tree)" series={series} pick="memory" version={live.version} />
        </>
      )}
    </section>
  );
}

const FORMAT = {
  cpu: (value: number): string => `${value.toFixed(0)}%`,
  memory: (value: number): string => bytes(value),
};

function Chart(props: { title: string; series: Series; pick: 'cpu' | 'memory'; version: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { series, pick, version, title } = props;
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
          {
            label: pick,
            stroke: pick === 'cpu' ? '#3b82f6' : '#a855f7',
            width: 1.5,
            fill: pick === 'cpu' ? '#3b82f622' : '#a855f722',
          },
        ],
      },
      [[], []],
      box.current,
    );
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [pick, title]);
  useEffect(() => {
    void version;
    plot.current?.setData([series.time, series[pick]] as uPlot.AlignedData);
  }, [series, pick, version]);
  return <div className="chart" ref={box} />;
}
