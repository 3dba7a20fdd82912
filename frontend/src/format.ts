/** How movie facts read on screen. */

/** 95 -> "1 h 35 min", 45 -> "45 min". */
export function formatDuration(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return "";
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes % 60);
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "sci-fi" -> "Sci-fi". */
export function formatTag(tag: string): string {
  return tag ? tag.charAt(0).toUpperCase() + tag.slice(1) : tag;
}

/** Only http(s) links become hrefs or media sources. */
export function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value, window.location.origin);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
