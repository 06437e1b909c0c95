import { nodeCrypto } from '../core/lazy-builtin.js';

/** `20261122T004512Z-api-3f9a`: UTC second, instance id, 4 random hex digits. */
export const REPORT_ID_PATTERN = /^\d{8}T\d{6}Z-[A-Za-z0-9_.-]{1,64}-[0-9a-f]{4}$/;

const MAX_PROCESS_PART = 64;

/**
 * A report id that sorts by time (its first part is the UTC second, zero-padded) and is safe as a file
 * name whatever the process is called. Uniqueness within a second comes from the random suffix; the
 * reporter draws again on the rare collision.
 */
export function createReportId(time: number, process: string, random: () => string = randomSuffix): string {
  const stamp = new Date(time)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${stamp}-${fileSafe(process)}-${random()}`;
}

function randomSuffix(): string {
  return nodeCrypto().randomBytes(2).toString('hex');
}

/** Letters, digits, `_`, `-`, `.`, never leading dots (hidden files, `..`) nor empty. */
function fileSafe(name: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, MAX_PROCESS_PART);
  return safe === '' ? '_' : safe;
}

/** The UTC second an id was issued in (`20261122T004512Z`), which orders ids by time. */
export function reportIdSecond(id: string): string {
  return id.slice(0, 16);
}
