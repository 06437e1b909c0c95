import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { importTui } from '/work/main/src/tui/load.js';
const [{ render }, { createElement }, { App }, { TuiController }, { FakeSource, row }] = await importTui(() => Promise.all([import('ink'), import('react'), import('/work/main/src/tui/app.js'), import('/work/main/src/tui/controller.js'), import('/work/main/test/unit/tui/fake-source.js')]));
const rows = Array.from({ length: 101 }, (_, i) => row({ name: `p${i}`, group: `g${i % 5}` }));
const source = new FakeSource(rows);
for (let i = 0; i < 5000; i++) source.log(`p${i % 100}`, `line ${i} xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`);
const controller = new TuiController(source, () => undefined);
const stdout = new Writable({ write(_c, _e, cb) { cb(); } });
Object.assign(stdout, { columns: 200, rows: 60, isTTY: true });
const stdin = Object.assign(new EventEmitter(), { isTTY: true, setRawMode: () => stdin, setEncoding: () => stdin, read: () => null, ref: () => stdin, unref: () => stdin });
const frames: number[] = [];
const ink = render(createElement(App, { controller, color: true, onFrame: (ms: number) => frames.push(ms) }), { stdout: stdout as never, stdin: stdin as never, patchConsole: false, exitOnCtrlC: false, maxFps: 60 });
await new Promise((r) => setTimeout(r, 1000));
const c0 = process.cpuUsage(); const t0 = performance.now(); const f0 = frames.length;
for (let i = 0; i < 300; i++) { controller.notify("info", "x" + i); await new Promise((r) => setTimeout(r, 34)); }
const c = process.cpuUsage(c0);
console.log('cpu %', ((c.user + c.system) / 1000 / (performance.now() - t0) * 100).toFixed(2), 'frames', frames.length - f0, frames.slice(-5).map((f) => f.toFixed(1)));
ink.unmount();
