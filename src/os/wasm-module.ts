/**
 * Building blocks of a hand-written WebAssembly module (binary format): the project ships no wasm
 * toolchain, and the few functions it needs (core/newline-count.ts, os/payload-hash.ts) are a few
 * dozen opcodes each.
 */

/** `bytes` after their length (unsigned LEB128), as a wasm section or function body is. */
export function sized(bytes: readonly number[]): number[] {
  const size: number[] = [];
  let rest = bytes.length;
  do {
    size.push((rest & 0x7f) | (rest > 0x7f ? 0x80 : 0));
    rest >>>= 7;
  } while (rest > 0);
  return [...size, ...bytes];
}

export function section(id: number, bytes: readonly number[]): number[] {
  return [id, ...sized(bytes)];
}

export function name(text: string): number[] {
  return [text.length, ...[...text].map((char) => char.charCodeAt(0))];
}

/** The magic and version every module starts with. */
export const WASM_HEADER: readonly number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** The part of the WebAssembly global used here (the project's TypeScript lib has no DOM types). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** The exports of `bytes` instantiated, or null where WebAssembly (or what the module uses) is not there. */
export function instantiate(bytes: Uint8Array): Record<string, unknown> | null {
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
