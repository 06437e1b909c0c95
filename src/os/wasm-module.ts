/**
 * Building blocks of a hand-written WebAssembly module (binary format): the project ships no wasm
 * toolchain, and the few functions it needs (core/newline-count.ts, os/payload-hash.ts) are a few
 * dozen opcodes each.
 */

/** `bytes` after their length (unsigned LEB128), as a wasm section or function body is. */
function sized(bytes: readonly number[]): number[] {
  const size: number[] = [];
  let rest = bytes.length;
  do {
    size.push((rest & 0x7f) | (rest > 0x7f ? 0x80 : 0));
    rest >>>= 7;
  } while (rest > 0);
  return [...size, ...bytes];
}

function section(id: number, bytes: readonly number[]): number[] {
  return [id, ...sized(bytes)];
}

function name(text: string): number[] {
  return [text.length, ...[...text].map((char) => char.charCodeAt(0))];
}

/** The magic and version every module starts with. */
const WASM_HEADER: readonly number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** The part of the WebAssembly global used here (the project's TypeScript lib has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** The exports of `bytes` instantiated, or null where WebAssembly (or what the module uses) is not there. */
function instantiate(bytes: Uint8Array): Record<string, unknown> | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    return new api.Instance(new api.Module(bytes)).exports;
  } catch (error) {
    // No WebAssembly SIMD here (an old CPU), or --jitless: the caller's JS fallback runs.
    if (!(error instanceof Error)) throw error;
    return null;
  }
}

/**
 * A module of one function and one memory, both exported: `signature` is the function type's
 * params and results (`[count, ...types, count, ...types]`), `body` its locals and code.
 */
export function oneFunctionModule(
  exportName: string,
  signature: readonly number[],
  pages: number,
  body: readonly number[],
): Uint8Array {
  return new Uint8Array([
    ...WASM_HEADER,
    ...section(1, [1, 0x60, ...signature]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, pages]),
    ...section(7, [2, ...name(exportName), 0, 0, ...name('memory'), 2, 0]),
    ...section(10, [1, ...sized(body)]),
  ]);
}

export interface WasmFunction<F> {
  call: F;
  /** The module's memory, where the function's input is copied. */
  memory: Uint8Array;
}

/** The module's function, compiled on first use; null where WebAssembly (or what it uses) is not there. */
export function lazyWasmFunction<F>(bytes: Uint8Array, exportName: string): () => WasmFunction<F> | null {
  let compiled: WasmFunction<F> | null | undefined;
  return () => {
    if (compiled !== undefined) return compiled;
    const exports = instantiate(bytes);
    compiled =
      exports === null
        ? null
        : {
            call: exports[exportName] as F,
            memory: new Uint8Array((exports.memory as { buffer: ArrayBuffer }).buffer),
          };
    return compiled;
  };
}
