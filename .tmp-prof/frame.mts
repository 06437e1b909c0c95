import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { render } from 'ink';
import { createElement } from 'react';
import { App } from '/work/main/src/tui/app.js';
import { TuiController } from '/work/main/src/tui/controller.js';
import { FakeSource, row } from '/work/main/test/unit/tui/fake-source.js';

const rows = Array.from({ length: 101 }, (_, i) => row({ name: `p${i}`, group: `g${i % 5}` }));
const source = new FakeSource(rows);
for (let i = 0; i < 5000; i++) source.log(`p${i % 100}`, `line ${i} xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`);
const controller = new TuiController(source, () => undefined);
const stdout = new Writable({ write(_c, _e, cb) { cb(); } });
Object.assign(stdout, { columns: 200, rows: 60, isTTY: true });
const stdin = Object.assign(new EventEmitter(), { isTTY: true, setRawMode: () => stdin, setEncoding: () => stdin, read: () => null, ref: () => stdin, unref: () => stdin });
const frames: number[] = [];
const inkTimes: number[] = [];
const ink = render(createElement(App, { controller, color: true, onFrame: (ms: number) => frames.push(ms) }), { stdout: stdout as never, stdin: stdin as never, patchConsole: false, exitOnCtrlC: false, maxFps: 60, onRender: ({ renderTime }) => inkTimes.push(renderTime) });
for (let i = 0; i < 60; i++) {
  source.log('p1', `more ${i}`);
  await new Promise((r) => setTimeout(r, 40));
}
ink.unmount();
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log('frames', frames.length, 'median', med(frames), 'ink output median', med(inkTimes), 'max', Math.max(...frames));
