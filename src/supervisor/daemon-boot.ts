// The detached supervisor's entry, dist/supervisor/daemon.cjs (scripts/bundle-daemon.mjs): it runs
// the supervisor's bundle, daemon-main.cjs (daemon.ts and all it imports), through V8's code cache,
// so that a start compiles next to nothing before its first spawn (docs/startup.md).
import { requireCodeCached } from '../os/code-cache.js';

/**
 * The cache is written this long after the start, not at exit: a supervisor runs for days, and by
 * then its start-up (spawns, the first metrics pass, the API's first answers) has been compiled.
 * @default 1500
 */
const SAVE_AFTER_MS = 1500;

const daemon = requireCodeCached(decodeURIComponent(new URL('./daemon-main.cjs', import.meta.url).pathname), {
  key: 'daemon',
  // A plugin of the config (its own ES module file), imported by this entry that Node compiled itself.
  importModule: (specifier) => import(specifier),
});
if (daemon.status !== 'hit') setTimeout(() => daemon.save(), SAVE_AFTER_MS).unref();
