import { Box, useInput } from 'ink';
import { useCallback, useLayoutEffect, useMemo } from 'react';
import { Footer, Header } from './bars.js';
import type { TuiController } from './controller.js';
import { DetailView } from './detail-view.js';
import { createColors } from './format.js';
import { HelpView } from './help-view.js';
import { ProcessPaints } from './log-lines.js';
import { LogPane } from './log-pane.js';
import { ProcessTable, tableLinesWanted } from './process-table.js';
import { useFrames, useTerminalSize } from './use-frames.js';

export interface AppProps {
  controller: TuiController;
  /** Colours (off with NO_COLOR or when stdout is not a terminal). */
  color: boolean;
  /** Columns. @default the terminal's width, following resizes */
  width?: number;
  /** Rows. @default the terminal's height less one, following resizes */
  height?: number;
  /** Frames per second at most. @default 30 */
  maxFps?: number;
  /** Time of each frame from render to output written (data, React, layout, ink), for `bench/tui.ts`. */
  onFrame?: (ms: number) => void;
  /** @default Date.now */
  now?: () => number;
}

/**
 * The terminal UI: a header, the process table, the log pane and a footer (or the detail or help
 * view in their place). All state lives in the controller; this only lays out a frame.
 */
export function App({ controller, color, width, height, maxFps = 30, onFrame, now = Date.now }: AppProps) {
  const started = performance.now();
  const size = useTerminalSize(width, height);
  useFrames(controller, { maxFps });
  // Layout effects run after ink has laid out and written the frame (its commit hook renders).
  useLayoutEffect(() => {
    onFrame?.(performance.now() - started);
  });
  const onKey = useCallback<Parameters<typeof useInput>[0]>(
    (input, key) => controller.handleKey(input, key),
    [controller],
  );
  useInput(onKey);
  const c = useMemo(() => createColors(color), [color]);
  const paints = useMemo(() => new ProcessPaints(c), [c]);
  const { source } = controller;
  const state = controller.state;
  const rows = controller.rows();
  const all = source.rows();
  const time = now();
  const body = Math.max(2, size.height - 2);
  const tableHeight = Math.min(tableLinesWanted(rows), Math.max(2, Math.floor(body * 0.45)));
  const selected = controller.selectedRow();
  const scope =
    state.scope === 'selected' && selected !== undefined
      ? selected.name
      : state.filter === null
        ? 'all processes'
        : state.filter;
  const nameWidth =
    state.scope === 'selected' ? 0 : Math.min(24, Math.max(4, ...all.map((row) => row.name.length)));
  return (
    <Box flexDirection="column" width={size.width} height={size.height}>
      <Header project={source.project} mode={source.mode} rows={all} state={state} c={c} width={size.width} />
      {state.view === 'help' ? (
        <HelpView c={c} height={body} mode={source.mode} />
      ) : state.view === 'detail' && state.details !== null ? (
        <DetailView
          details={state.details}
          rows={all}
          source={source}
          c={c}
          width={size.width}
          height={body}
        />
      ) : (
        <>
          <ProcessTable
            rows={rows}
            selected={state.selected}
            focused={state.focus === 'table'}
            width={size.width}
            height={tableHeight}
            c={c}
            source={source}
            now={time}
          />
          <LogPane
            window={controller.logs}
            height={body - tableHeight}
            width={size.width}
            c={c}
            paints={paints}
            nameWidth={nameWidth}
            focused={state.focus === 'logs'}
            scope={scope}
            level={state.level}
          />
        </>
      )}
      <Footer
        mode={source.mode}
        state={state}
        notices={source.notices()}
        c={c}
        now={time}
        width={size.width}
      />
    </Box>
  );
}
