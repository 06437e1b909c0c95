import { useInput } from 'ink';
import { useCallback, useLayoutEffect } from 'react';
import type { TuiController } from './controller.js';
import { Lines } from './lines.js';
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
  /** Time of each drawn frame, building it plus drawing it (React, layout, ink), for `bench/tui.ts`. */
  onFrame?: (ms: number) => void;
  /** @default Date.now */
  now?: () => number;
}

/**
 * The terminal UI: a header, the process table, the log pane and a footer (or the detail or help
 * view in their place). State lives in the controller, frames are built as text by FrameBuilder;
 * this component takes the keys and draws the frame as one block.
 */
export function App({ controller, color, width, height, maxFps = 30, onFrame, now = Date.now }: AppProps) {
  const started = performance.now();
  const size = useTerminalSize(width, height);
  const frame = useFrames(controller, { width: size.width, height: size.height, color, maxFps, now });
  // Layout effects run after ink has laid out and written the frame (its commit hook draws).
  useLayoutEffect(() => {
    onFrame?.(frame.buildMs + performance.now() - started);
  });
  const onKey = useCallback<Parameters<typeof useInput>[0]>(
    (input, key) => controller.handleKey(input, key),
    [controller],
  );
  useInput(onKey);
  return <Lines lines={frame.lines} height={size.height} width={size.width} />;
}
