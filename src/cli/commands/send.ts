import { OvrseerError } from '../../errors.js';
import { type LocateOptions, locateSupervisor } from '../locate.js';

export interface SendOptions extends LocateOptions {
  out?: NodeJS.WritableStream;
}

/** The message as JSON, or an error saying how to quote it. */
export function parseMessageArgument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `the message must be JSON (${why}); quote it for the shell: ovrseer send api '{"reload": true}', or '"text"' for a string`,
    );
  }
}

/** `ovrseer send NAME JSON`: prints who got it. */
export async function runSend(to: string, json: string, options: SendOptions): Promise<number> {
  const message = parseMessageArgument(json);
  const client = await locateSupervisor(options);
  const { delivered } = await client.post<{ delivered: string[] }>('/v1/messages', { to, message });
  const out = options.out ?? process.stdout;
  out.write(
    delivered.length === 0 ? 'nobody listens: not delivered\n' : `delivered to ${delivered.join(', ')}\n`,
  );
  return 0;
}
