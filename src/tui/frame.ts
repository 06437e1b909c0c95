import { footerText, headerText } from './bars.js';
import type { TuiController } from './controller.js';
import { detailLines } from './detail-lines.js';
import { type Colors, createColors } from './format.js';
import { helpLines } from './help-lines.js';
import { ProcessPaints } from './log-lines.js';
import { logPaneLines } from './log-pane.js';
import { TableView, tableLinesWanted } from './table-view.js';

/**
 * Builds whole frames as lines of text: a header, the process table and the log pane (or the
 * detail or help view in their place), and a footer. Building is cheap; drawing (ink) is not, so
 * the caller compares frames and draws only when one differs from the last.
 */
export class FrameBuilder {
  readonly #controller: TuiController;
  readonly #c: Colors;
  readonly #paints: ProcessPaints;
  readonly #table = new TableView();

  constructor(controller: TuiController, color: boolean) {
    this.#controller = controller;
    this.#c = createColors(color);
    this.#paints = new ProcessPaints(this.#c);
  }

  /** Exactly `height` lines for a `width`-column screen. */
  build(width: number, height: number, now: number): string[] {
    const controller = this.#controller;
    const c = this.#c;
    const { source } = controller;
    const state = controller.state;
    const rows = controller.rows();
    const all = source.rows();
    const bar = {
      project: source.project,
      mode: source.mode,
      rows: all,
      state,
      notices: source.notices(),
      c,
      now,
      width,
    };
    const body = Math.max(2, height - 2);
    let lines: string[];
    if (state.view === 'help') lines = helpLines(c, source.mode);
    else if (state.view === 'detail' && state.details !== null) {
      const details = state.details;
      const row = all.find((candidate) => candidate.name === details.id);
      lines = detailLines(row, details, all, source.history(details.id, 0), c, width);
      lines.push('', c.dim('  esc/enter back · r restart · s stop/start · R restart group · +/- scale'));
    } else {
      const tableHeight = Math.min(tableLinesWanted(rows), Math.max(2, Math.floor(body * 0.45)));
      const table = this.#table.lines({
        rows,
        snapshot: all,
        selected: state.selected,
        focused: state.focus === 'table',
        width,
        height: tableHeight,
        c,
        source,
        now,
      });
      const selected = controller.selectedRow();
      const scope =
        state.scope === 'selected' && selected !== undefined
          ? selected.name
          : state.filter === null
            ? 'all processes'
            : state.filter;
      const nameWidth =
        state.scope === 'selected' ? 0 : Math.min(24, Math.max(4, ...all.map((row) => row.name.length)));
      const logs = logPaneLines({
        window: controller.logs,
        height: body - tableHeight,
        width,
        c,
        paints: this.#paints,
        nameWidth,
        focused: state.focus === 'logs',
        scope,
        level: state.level,
      });
      lines = [...pad(table, tableHeight), ...logs];
    }
    return [headerText(bar), ...pad(lines, body), footerText(bar)];
  }
}

/** `lines` cut or filled with blanks to exactly `height`. */
function pad(lines: string[], height: number): string[] {
  if (lines.length >= height) return lines.slice(0, height);
  return [...lines, ...Array.from({ length: height - lines.length }, () => '')];
}

/** Whether two frames show the same thing. */
export function sameFrame(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}
