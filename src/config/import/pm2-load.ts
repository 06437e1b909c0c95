import { createRequire } from 'node:module';
import { ConfigError, errorMessage, isErrnoException } from '../../errors.js';
import type { Locator } from '../input.js';
import { formatPath } from '../yaml-source.js';
import { readYamlSource } from './source.js';
import type { ImportContext } from './types.js';

export interface LoadedEcosystem {
  data: unknown;
  at: Locator;
}

/** Where in the user's file an error was thrown, from its stack, when it says. */
function positionIn(error: unknown, path: string): { line: number; column: number } | null {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : null;
}

function loadingError(error: unknown, context: ImportContext): ConfigError {
  const code = isErrnoException(error) ? error.code : undefined;
  const esm =
    code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE'
      ? ' (ovrseer loads it synchronously: use module.exports in a .cjs file, or no top-level await)'
      : '';
  const at = positionIn(error, context.path);
  return new ConfigError([
    {
      file: context.file,
      line: at?.line ?? null,
      column: at?.column ?? null,
      path: '',
      message: `loading the pm2 ecosystem file failed: ${errorMessage(error).split('\n')[0]}${esm}`,
    },
  ]);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    // Not strict JSON: pm2 reads it as JavaScript.
    return false;
  }
}

/**
 * An ecosystem file's value. YAML and strict JSON are parsed with positions. A `.js`/`.cjs`/`.mjs` file is the user's
 * own code, run only because they pointed ovrseer at it (`-f`, `init --from pm2`): loaded with
 * `require` (ES modules too, on Node >= 20.19), and fresh each time.
 */
export function loadEcosystem(text: string, context: ImportContext): LoadedEcosystem {
  const at: Locator = (path, message) => ({
    file: context.file,
    line: null,
    column: null,
    path: formatPath(path),
    message,
  });
  if (/\.ya?ml$/.test(context.path)) {
    const { at: located, data } = readYamlSource(text, context, { interpolate: false });
    return { at: located, data };
  }
  // Only .js/.cjs/.mjs are code to require (pm2's isConfigFile); any other name is data.
  if (!/\.(c|m)?js$/.test(context.path)) {
    if (isJson(text)) {
      const { at: located, data } = readYamlSource(text, context, { interpolate: false });
      return { at: located, data };
    }
    // pm2 evaluates a .json process file as a JavaScript expression (lib/Common.js parseConfig):
    // comments, trailing commas and expressions work there, so they do here.
    try {
      return {
        at,
        data: (process.getBuiltinModule('node:vm') as typeof import('node:vm')).runInThisContext(
          `(${text}\n)`,
          { filename: context.path, timeout: 1000 },
        ),
      };
    } catch (error) {
      throw loadingError(error, context);
    }
  }
  const require = createRequire(context.path);
  let loaded: unknown;
  try {
    delete require.cache[require.resolve(context.path)];
    loaded = require(context.path);
  } catch (error) {
    throw loadingError(error, context);
  }
  // An ES module comes back as its namespace: the config is its default export.
  const value =
    typeof loaded === 'object' && loaded !== null && 'default' in loaded && !('apps' in loaded)
      ? (loaded as { default: unknown }).default
      : loaded;
  return { at, data: value };
}
