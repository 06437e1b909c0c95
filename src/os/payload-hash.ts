import { lazyWasmFunction, oneFunctionModule } from './wasm-module.js';

/**
 * A 64-bit hash of a byte string, to tell a damaged file from a good one (os/code-cache.ts): each
 * 8-byte word is XORed into the state, which is then multiplied by the FNV-64 prime. Both steps are
 * bijections of the state, so any change within one word always changes the result. The detached
 * supervisor runs its JavaScript interpreted, where a loop over 300 KB is tens of milliseconds, and
 * it stays without node:zlib (1.5 MB of RSS for a CRC): the loop is a WebAssembly function, compiled
 * to machine code whatever the JS tier.
 *
 * ```wat
 * (func (export "hash") (param $at i32) (param $end i32) (param $h i64) (result i64)
 *   (block (loop
 *     (br_if 1 (i32.ge_u (local.get $at) (local.get $end)))
 *     (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (local.get $at))) (i64.const PRIME)))
 *     (local.set $at (i32.add (local.get $at) (i32.const 8)))
 *     (br 0)))
 *   (local.get $h))
 * ```
 */
const PRIME = 0x100000001b3n;
const OFFSET_BASIS = 0xcbf29ce484222325n;
const PAGES = 4;
const WINDOW = PAGES * 64 * 1024;

/** Signed LEB128, as `i64.const` takes its operand. */
function signedLeb(value: bigint): number[] {
  const bytes: number[] = [];
  let rest = BigInt.asIntN(64, value);
  for (;;) {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    const done = (rest === 0n && (byte & 0x40) === 0) || (rest === -1n && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

const BODY = [
  0x00,
  ...[0x02, 0x40, 0x03, 0x40],
  ...[0x20, 0, 0x20, 1, 0x4f, 0x0d, 1],
  ...[0x20, 2, 0x20, 0, 0x29, 0x03, 0x00, 0x85, 0x42, ...signedLeb(PRIME), 0x7e, 0x21, 2],
  ...[0x20, 0, 0x41, 8, 0x6a, 0x21, 0, 0x0c, 0, 0x0b, 0x0b],
  ...[0x20, 2, 0x0b],
];

const wasmHasher = lazyWasmFunction<(at: number, end: number, state: bigint) => bigint>(
  oneFunctionModule('hash', [3, 0x7f, 0x7f, 0x7e, 1, 0x7e], PAGES, BODY),
  'hash',
);

/** The hash of `bytes`, as 8 bytes (little-endian). */
export function payloadHash(bytes: Uint8Array): Buffer {
  const wasm = wasmHasher();
  let state = OFFSET_BASIS ^ BigInt(bytes.length);
  for (let at = 0; at < bytes.length; at += WINDOW) {
    const end = Math.min(bytes.length, at + WINDOW);
    const length = end - at;
    // The last word of a window that is not a multiple of 8 is read with zeros after it.
    const padded = (length + 7) & ~7;
    if (wasm === null) {
      state = hashByLoop(bytes.subarray(at, end), padded, state);
      continue;
    }
    wasm.memory.set(bytes.subarray(at, end), 0);
    wasm.memory.fill(0, length, padded);
    state = BigInt.asUintN(64, wasm.call(0, padded, state));
  }
  const out = Buffer.allocUnsafe(8);
  out.writeBigUInt64LE(state, 0);
  return out;
}

/** The same, in JavaScript, where WebAssembly is not there (--jitless). */
export function hashByLoop(window: Uint8Array, padded: number, start: bigint): bigint {
  let state = start;
  for (let at = 0; at < padded; at += 8) {
    let word = 0n;
    for (let i = 7; i >= 0; i -= 1) word = (word << 8n) | BigInt(window[at + i] ?? 0);
    state = BigInt.asUintN(64, (state ^ word) * PRIME);
  }
  return state;
}
