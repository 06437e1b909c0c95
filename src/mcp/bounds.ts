/**
 * What one answer of the MCP server may hold: an agent's context is small and costly, and a log
 * flood must not land in it whole. Every tool pages instead of growing.
 */

/** @default 200 lines a `read_logs` / `search_logs` page when the agent does not say. */
export const DEFAULT_LOG_LINES = 200;
/** The most a page may ask for. */
export const MAX_LOG_LINES = 1000;
/** A longer line is cut, with how much was left out. */
export const MAX_LINE_CHARS = 2000;
/** A crash report (or any other text answer) longer than this is cut. */
export const MAX_TEXT_CHARS = 64 * 1024;

export function cutLine(text: string, max = MAX_LINE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

export function cutText(text: string, max = MAX_TEXT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (cut: ${text.length - max} more characters)`;
}
