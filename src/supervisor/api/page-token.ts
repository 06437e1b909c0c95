/**
 * How the dashboard's page carries the API token: once in its URL (`/?token=…`, as Jupyter prints
 * it), then in a cookie the server sets in exchange, so the token leaves the address bar and the
 * page's own requests (fetch, EventSource: neither can send an Authorization header for an
 * EventSource) are authenticated without script access to it (HttpOnly, SameSite=Strict).
 */
export const TOKEN_COOKIE = 'ovrseer_token';

/** The value of one cookie in a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      // Not percent-encoding we wrote: compared as it came, it simply fails the check.
      return raw;
    }
  }
  return undefined;
}

/** The `Set-Cookie` value that keeps the token for the page's later requests. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The token of a page URL's query (`?token=…`), if there is one. */
export function queryToken(url: string): string | undefined {
  const question = url.indexOf('?');
  if (question === -1) return undefined;
  return new URLSearchParams(url.slice(question + 1)).get('token') ?? undefined;
}

/** The same URL without its `token` parameter: where the page is sent once the cookie is set. */
export function withoutToken(url: string): string {
  const question = url.indexOf('?');
  if (question === -1) return url;
  const params = new URLSearchParams(url.slice(question + 1));
  params.delete('token');
  const rest = params.toString();
  return `${url.slice(0, question)}${rest === '' ? '' : `?${rest}`}`;
}
