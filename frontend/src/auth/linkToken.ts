/**
 * The token of a mailed link (`/reset-password#token=...`). It travels in the fragment, which no
 * browser sends to a server or puts in a Referer; once read, it leaves the address bar too, so
 * it stays out of the history, bookmarks and screenshots of the URL. It is never logged.
 */

import { useEffect, useState } from "react";

function readToken(): string | null {
  const token = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("token")?.trim();
  return token ? token : null;
}

/** The link's token, read once on the first render; the fragment is then dropped from the URL. */
export function useLinkToken(): string | null {
  const [token] = useState(readToken);
  useEffect(() => {
    const { hash, pathname, search } = window.location;
    if (hash) window.history.replaceState(window.history.state, "", `${pathname}${search}`);
  }, []);
  return token;
}
