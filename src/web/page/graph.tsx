import { Graph as DagreGraph, layout } from '@dagrejs/dagre';
import { useEffect, useMemo, useState } from 'react';
import { type Graph as ApiGraph, getJson, type Row } from './api.js';
import { stateClass } from './format.js';
import type { LiveState } from './live.js';

const NODE_HEIGHT = 46;

interface Laid {
  width: number;
  height: number;
  nodes: { name: string; x: number; y: number; width: number; type: string }[];
  edges: {
    from: string;
    to: string;
    points: { x: number; y: number }[];
    label: string;
    implicit: boolean;
    x: number;
    y: number;
  }[];
}

/** The state condition an edge waits for, as the engine's state names (for its timing). */
const CONDITION_STATE: Record<string, string[]> = {
  started: ['running', 'ready'],
  ready: ['ready'],
  healthy: ['ready'],
  completed: ['completed', 'failed'],
  completed_successfully: ['completed'],
};

/**
 * The dependency graph laid out by dagre (left to right: what starts first is on the left), nodes
 * coloured by their state, edges labelled with their condition and, once seen, how long it took.
 */
export function GraphView({ live }: { live: LiveState }) {
  const [graph, setGraph] = useState<ApiGraph | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getJson<ApiGraph>('/v1/graph').then(setGraph, (caught: unknown) =>
      setError(caught instanceof Error ? caught.message : String(caught)),
    );
  }, []);
  const laid = useMemo(() => (graph === null ? null : layOut(graph)), [graph]);
  if (error !== null)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (laid === null) return <p className="empty">loading the graph…</p>;
  const byProcess = new Map<string, Row[]>();
  for (const row of live.rows) byProcess.set(row.process, [...(byProcess.get(row.process) ?? []), row]);
  const pending = live.rows.filter((row) => row.status === 'pending' && row.reason !== null);
  return (
    <section className="graph">
      {pending.length > 0 && (
        <ul className="pending">
          {pending.map((row) => (
            <li key={row.name} data-pending={row.name}>
              <b>{row.name}</b> {row.reason}
            </li>
          ))}
        </ul>
      )}
      <svg
        width={laid.width}
        height={laid.height}
        viewBox={`0 0 ${laid.width} ${laid.height}`}
        role="img"
        aria-label="dependency graph"
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" className="arrow" />
          </marker>
        </defs>
        {laid.edges.map((edge) => (
          <g key={`${edge.from}->${edge.to}`} className={`edge${edge.implicit ? ' implicit' : ''}`}>
            <polyline
              points={edge.points.map((point) => `${point.x},${point.y}`).join(' ')}
              markerEnd="url(#arrow)"
            />
            <text x={edge.x} y={edge.y} textAnchor="middle">
              {edge.label}
              {recordedTiming(graph, edge.from, edge.to) ?? timing(live, edge.from, edge.label)}
            </text>
          </g>
        ))}
        {laid.nodes.map((node) => {
          const rows = byProcess.get(node.name) ?? [];
          const status = summaryState(rows);
          const reason = rows.find((row) => row.reason !== null)?.reason ?? '';
          return (
            <g
              key={node.name}
              className={`node ${stateClass(status)}`}
              data-node={node.name}
              data-status={status}
            >
              <rect
                x={node.x - node.width / 2}
                y={node.y - NODE_HEIGHT / 2}
                width={node.width}
                height={NODE_HEIGHT}
                rx="6"
              />
              <text x={node.x} y={node.y - 6} textAnchor="middle" className="label">
                {node.name}
                {node.type !== 'service' ? ` [${node.type}]` : ''}
              </text>
              <text x={node.x} y={node.y + 12} textAnchor="middle" className="sub">
                {rows.length > 1 ? `${rows.length}× ` : ''}
                {status}
              </text>
              <title>{reason === '' ? status : `${status}: ${reason}`}</title>
            </g>
          );
        })}
      </svg>
    </section>
  );
}

function layOut(graph: ApiGraph): Laid {
  const g = new DagreGraph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 90, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const types = new Map(graph.processes.map((process) => [process.name, process.type]));
  for (const name of graph.nodes) {
    const label = `${name}${types.get(name) !== 'service' ? ` [${types.get(name) ?? ''}]` : ''}`;
    g.setNode(name, { width: Math.max(90, label.length * 8 + 24), height: NODE_HEIGHT });
  }
  const conditions = new Map<string, { condition: string; implicit: boolean }>();
  for (const process of graph.processes)
    for (const dependency of process.dependsOn) {
      conditions.set(`${dependency.name}\u0000${process.name}`, dependency);
      // Drawn from the dependency to what waits for it: the order things start in.
      g.setEdge(dependency.name, process.name, {
        label: dependency.condition,
        width: 70,
        height: 16,
        labelpos: 'c',
      });
    }
  layout(g);
  const label = g.graph();
  return {
    width: Math.ceil(label.width ?? 300),
    height: Math.ceil(label.height ?? 100),
    nodes: g.nodes().map((name) => {
      const node = g.node(name);
      return {
        name,
        x: node.x ?? 0,
        y: node.y ?? 0,
        width: node.width ?? 90,
        type: types.get(name) ?? 'service',
      };
    }),
    edges: g.edges().map((edge) => {
      const data = g.edge(edge);
      const known = conditions.get(`${edge.v}\u0000${edge.w}`);
      return {
        from: edge.v,
        to: edge.w,
        points: data.points ?? [],
        label: known?.condition ?? '',
        implicit: known?.implicit ?? false,
        x: data.x ?? 0,
        y: (data.y ?? 0) - 4,
      };
    }),
  };
}

/**
 * ` · waited 1.4s`: how long the dependent waited for this gate in the last start, as the supervisor
 * recorded it (`GET /v1/graph` `edgeTimings`; the slowest replica's), or ` · waiting 3s` while it waits.
 */
function recordedTiming(graph: ApiGraph | null, dependency: string, dependent: string): string | null {
  const gates = (graph?.edgeTimings ?? []).filter(
    (gate) => gate.to === dependency && (gate.from === dependent || gate.from.startsWith(`${dependent}.`)),
  );
  if (gates.length === 0) return null;
  const waiting = gates.find((gate) => gate.waitedMs === null);
  if (waiting !== undefined) return ` · waiting since ${new Date(waiting.since).toLocaleTimeString()}`;
  const longest = Math.max(...gates.map((gate) => gate.waitedMs ?? 0));
  return ` · waited ${(longest / 1000).toFixed(1)}s`;
}

/** ` · 1.4s`: how long the dependency took from starting to the edge's condition, when seen live. */
function timing(live: LiveState, dependency: string, condition: string): string {
  const entered = [...live.entered.entries()].find(
    ([process]) => process === dependency || process.startsWith(`${dependency}.`),
  )?.[1];
  const started = entered?.get('starting');
  if (entered === undefined || started === undefined) return '';
  const reached = (CONDITION_STATE[condition] ?? [])
    .map((state) => entered.get(state))
    .find((time) => time !== undefined && time >= started);
  return reached === undefined ? '' : ` · ${((reached - started) / 1000).toFixed(1)}s`;
}

/** One state for a process's instances: the most telling one (failed over pending over ready…). */
function summaryState(rows: Row[]): string {
  const order = [
    'failed',
    'crashed',
    'backoff',
    'pending',
    'starting',
    'stopping',
    'running',
    'ready',
    'paused',
    'completed',
    'stopped',
  ];
  for (const state of order) if (rows.some((row) => row.status === state)) return state;
  return rows[0]?.status ?? 'unknown';
}
