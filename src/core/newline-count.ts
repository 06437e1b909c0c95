import { lazyWasmFunction, oneFunctionModule } from '../os/wasm-module.js';

/**
 * Counts newline bytes. The supervisor counts the lines of every pipe read, and a JS loop over bytes
 * is ~4 ns a byte when optimized but ~100 ns in the interpreter the detached supervisor starts in
 * (see compiler-tier.ts): 0.7 s of CPU for `seq 1 1000000`. This WebAssembly function compares 16
 * bytes at a time (`i8x16.eq`, `i8x16.bitmask`, `i32.popcnt`) and is compiled to machine code by
 * V8's baseline wasm compiler whatever the JS tier: ~5 ms for those 6.9 MB, copy included.
 *
 * The module, in text form (one function, one 256 KiB memory):
 * ```wat
 * (func (export "count") (param $at i32) (param $length i32) (result i32)
 *   (local $end i32) (local $count i32)
 *   (local.set $end (i32.add (local.get $at) (local.get $length)))
 *   (block (loop          ;; 16 bytes at a time
 *     (br_if 1 (i32.gt_u (i32.add (local.get $at) (i32.const 16)) (local.get $end)))
 *     (local.set $count (i32.add (local.get $count) (i32.popcnt (i8x16.bitmask
 *       (i8x16.eq (v128.load (local.get $at)) (v128.const i8x16 10 10 … 10))))))
 *     (local.set $at (i32.add (local.get $at) (i32.const 16)))
 *     (br 0)))
 *   (block (loop          ;; the last bytes one at a time
 *     (br_if 1 (i32.ge_u (local.get $at) (local.get $end)))
 *     (local.set $count (i32.add (local.get $count)
 *       (i32.eq (i32.load8_u (local.get $at)) (i32.const 10))))
 *     (local.set $at (i32.add (local.get $at) (i32.const 1)))
 *     (br 0)))
 *   (local.get $count))
 * ```
 */
const NEWLINE = 0x0a;
const PAGES = 4;
const WINDOW = PAGES * 64 * 1024;

const BODY = [
  ...[0x01, 0x02, 0x7f],
  ...[0x20, 0, 0x20, 1, 0x6a, 0x21, 2],
  ...[0x02, 0x40, 0x03, 0x40],
  ...[0x20, 0, 0x41, 16, 0x6a, 0x20, 2, 0x4b, 0x0d, 1],
  ...[0x20, 3, 0x20, 0, 0xfd, 0x00, 0x00, 0x00],
  ...[0xfd, 0x0c, ...new Array<number>(16).fill(NEWLINE)],
  ...[0xfd, 0x23, 0xfd, 0x64, 0x69, 0x6a, 0x21, 3],
  ...[0x20, 0, 0x41, 16, 0x6a, 0x21, 0, 0x0c, 0, 0x0b, 0x0b],
  ...[0x02, 0x40, 0x03, 0x40],
  ...[0x20, 0, 0x20, 2, 0x4f, 0x0d, 1],
  ...[0x20, 3, 0x20, 0, 0x2d, 0, 0, 0x41, NEWLINE, 0x46, 0x6a, 0x21, 3],
  ...[0x20, 0, 0x41, 1, 0x6a, 0x21, 0, 0x0c, 0, 0x0b, 0x0b],
  ...[0x20, 3, 0x0b],
];

/** Compiled on first use; `null` where WebAssembly (or its SIMD) is not there: the loop then. */
const wasmCounter = lazyWasmFunction<(at: number, length: number) => number>(
  oneFunctionModule('count', [2, 0x7f, 0x7f, 1, 0x7f], PAGES, BODY),
  'count',
);

/** Which counter runs here: `wasm`, or the `loop` where WebAssembly SIMD is missing. */
export function newlineCounterKind(): 'wasm' | 'loop' {
  return wasmCounter() === null ? 'loop' : 'wasm';
}

/** Newline bytes in `bytes[from, to)`. */
export function countNewlines(bytes: Uint8Array, from = 0, to = bytes.length): number {
  const wasm = wasmCounter();
  if (wasm === null) return countByLoop(bytes, from, to);
  let count = 0;
  for (let at = from; at < to; at += WINDOW) {
    const end = Math.min(to, at + WINDOW);
    wasm.memory.set(bytes.subarray(at, end), 0);
    count += wasm.call(0, end - at);
  }
  return count;
}

export function countByLoop(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i += 1) if (bytes[i] === NEWLINE) count += 1;
  return count;
}
