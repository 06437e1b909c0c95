import { errorMessage } from '../errors.js';
import { EXIT_FAILURE } from '../exit-codes.js';
import type { Supervisor } from './supervisor.js';

export interface LastResortHooks {
  /** Tells the front end and the supervisor's log. */
  say(text: string, level: 'error' | 'warn'): void;
  /** Starts the graceful shutdown (the session's ending). */
  onFatal(): void;
}

/** After the graceful shutdown had this long, everything is SIGKILLed and the process exits. */
const GRACE_AFTER_FORCE_MS = 2000;

/**
 * An exception nothing caught would end the supervisor at once and leave every process running,
 * with a socket nobody answers. Instead it is logged (with its stack, in `ovrseer.log`) and the
 * project is shut down gracefully; if that does not finish within twice the shutdown timeout (the
 * fault may be in the shutdown itself), every group is SIGKILLed and the process exits with 1.
 * Returns the function that uninstalls the handlers.
 */
export function installLastResort(supervisor: Supervisor, hooks: LastResortHooks): () => void {
  let hardStop: NodeJS.Timeout | null = null;
  const onFatal = (error: unknown, what: string): void => {
    // Nothing may throw out of here: Node ends the process on an exception in this handler.
    try {
      hooks.say(`fatal: ${what}: ${errorMessage(error)}; stopping everything`, 'error');
      if (error instanceof Error && error.stack !== undefined) supervisor.log.note(error.stack, 'error');
      hooks.onFatal();
      if (hardStop !== null) return;
      const bound = 2 * supervisor.manager.spec.settings.shutdownTimeout + 5000;
      hardStop = setTimeout(() => {
        hooks.say(
          `the shutdown did not finish ${bound}ms after the fatal error: killing everything`,
          'error',
        );
        for (const instance of supervisor.manager.instances()) instance.killNow();
        void supervisor.shutdown({ force: true });
        setTimeout(() => process.exit(EXIT_FAILURE), GRACE_AFTER_FORCE_MS).unref();
      }, bound);
      // A shutdown that finishes lets the process end on its own; this timer must not hold it.
      hardStop.unref();
    } catch (handlerError) {
      process.stderr.write(
        `ovrseer: fatal error while handling a fatal error: ${errorMessage(handlerError)}\n`,
      );
    }
  };
  const onException = (error: Error): void => onFatal(error, 'uncaught exception');
  const onRejection = (reason: unknown): void => onFatal(reason, 'unhandled promise rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
