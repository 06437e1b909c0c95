import { useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { TuiController } from './controller.js';
import { FrameBuilder, sameFrame } from './frame.js';

export interface FrameOptions {
  width: number;
  height: number;
  color: boolean;
  /** Frames per second at most. */
  maxFps: number;
  now: () => number;
}

export interface Frame {
  lines: string[];
  /** Time spent building it, in ms; the drawing time is added by the caller for `onFrame`. */
  buildMs: number;
}

/**
 * The current frame. A new one is built when something may have changed — a key, a state change, new
 * log lines (the store's last seq is polled, so a flood costs nothing per line), the clock — at most
 * `maxFps` times a second; it is handed to React (and drawn) only when it differs from the last.
 * Nothing changing means nothing drawn.
 */
export function useFrames(controller: TuiController, options: FrameOptions): Frame {
  const { width, height, color, maxFps, now } = options;
  const builder = useRef<{ color: boolean; builder: FrameBuilder } | null>(null);
  if (builder.current === null || builder.current.color !== color) {
    builder.current = { color, builder: new FrameBuilder(controller, color) };
  }
  const build = (): Frame => {
    const started = performance.now();
    const lines = (builder.current as { builder: FrameBuilder }).builder.build(width, height, now());
    return { lines, buildMs: performance.now() - started };
  };
  const [frame, setFrame] = useState<Frame>(build);
  const latest = useRef(frame);
  latest.current = frame;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `build` reads the props it closes over; a new size or colour restarts the scheduler.
  useEffect(() => {
    const interval = 1000 / maxFps;
    let timer: NodeJS.Timeout | null = null;
    let last = 0;
    let seen = controller.source.logs.lastSeq;
    const fire = (): void => {
      timer = null;
      last = performance.now();
      let next: Frame;
      try {
        next = build();
      } catch (error) {
        // Thrown again inside React, so ink's error boundary ends the UI and the host hears of it
        // (`up` carries on in plain text) instead of an uncaught exception ending the supervisor.
        setFrame(() => {
          throw error;
        });
        return;
      }
      if (!sameFrame(next.lines, latest.current.lines)) setFrame(next);
    };
    const request = (): void => {
      if (timer !== null) return;
      timer = setTimeout(fire, Math.max(0, last + interval - performance.now()));
    };
    const offs = [controller.onChange(request), controller.source.onChange(request)];
    const poll = setInterval(() => {
      const seq = controller.source.logs.lastSeq;
      if (seq !== seen) {
        seen = seq;
        request();
      }
    }, interval);
    const tick = setInterval(request, 1000);
    request();
    return () => {
      for (const off of offs) off();
      clearInterval(poll);
      clearInterval(tick);
      if (timer !== null) clearTimeout(timer);
    };
  }, [controller, maxFps, width, height, color]);
  return frame;
}

const CLEAR_HOME = '\u001b[2J\u001b[H';

/** The terminal's size, following resizes; fixed sizes win (tests, the benchmark). */
export function useTerminalSize(width?: number, height?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  useEffect(() => {
    const resized = (): void => {
      // The terminal may have scrolled or reflowed what was drawn; start the next frame on a clean
      // screen at the top, where ink's relative cursor moves expect it.
      if (stdout.isTTY) stdout.write(CLEAR_HOME);
      setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    };
    stdout.on('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout]);
  // One row short of the screen: a frame as tall as the terminal makes ink clear and repaint it whole.
  return { width: width ?? size.columns, height: height ?? Math.max(5, size.rows - 1) };
}
