/** Where to go after signing in: only a path of this app, never another site. */

const FALLBACK = "/";
// Routes the SPA never returns to after sign-in: its own auth pages and the server's routes.
const EXCLUDED = /^\/(?:sign-in|sign-up|auth|api|posters|assets)(?:[/?#]|$)/;

/**
 * Returns `raw` as a same-origin path (pathname + search + hash) when it is one, else "/".
 * Rejects absolute URLs, protocol-relative ("//evil") and backslash ("/\\evil") tricks,
 * control characters, and anything that resolves to another origin.
 */
export function safeNext(raw: string | null | undefined): string {
  if (!raw || raw.length > 2048) return FALLBACK;
  if (!raw.startsWith("/") || raw.startsWith("//")) return FALLBACK;
  // Browsers treat "\" like "/" and drop tabs/newlines while parsing URLs.
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return FALLBACK;
  let url: URL;
  try {
    url = new URL(raw, window.location.origin);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== window.location.origin) return FALLBACK;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (EXCLUDED.test(url.pathname)) return FALLBACK;
  return path;
}

/** The sign-in URL that brings the user back to `path` afterwards. */
export function signInPath(path: string): string {
  const next = safeNext(path);
  return next === FALLBACK ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`;
}
