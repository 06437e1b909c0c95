import { useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { TuiController } from './controller.js';

export interface FrameOptions {
  /** Frames per second at most. */
  maxFps: number;
}

/**
 * Re-renders when something changed — a key, a state change, new log lines (the store's last seq is
 * polled, so a flood costs nothing per line) — at most `maxFps` times a second, plus once a second
 * for clocks and uptimes. Nothing changing means no frames at all.
 */
export function useFrames(controller: TuiController, { maxFps }: FrameOptions): number {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const interval = 1000 / maxFps;
    let timer: NodeJS.Timeout | null = null;
    let last = 0;
    let seen = controller.source.logs.lastSeq;
    const fire = (): void => {
      timer = null;
      last = performance.now();
      setFrame((value) => value + 1);
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
    return () => {
      for (const off of offs) off();
      clearInterval(poll);
      clearInterval(tick);
      if (timer !== null) clearTimeout(timer);
    };
  }, [controller, maxFps]);
  return frame;
}

/** The terminal's size, following resizes; fixed sizes win (tests, the benchmark). */
export function useTerminalSize(width?: number, height?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  useEffect(() => {
    const resized = (): void => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout]);
  // One row short of the screen: a frame as tall as the terminal makes ink clear and repaint it whole.
  return { width: width ?? size.columns, height: height ?? Math.max(5, size.rows - 1) };
}
