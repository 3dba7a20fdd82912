/** Playing films: a signed media URL (`/playback`), saved positions and Continue watching. */

import { request, segment } from "./http";
import type { components } from "./schema";

type Envelope<T> = { data: T; message: string };

/**
 * How to play a film. "local": `url` is a same-origin, signed, short-lived media path;
 * "external": `url` is where an admin says the film is hosted, outside cinepass.
 * `position`: seconds into the film where this user left it (0 when new or finished).
 */
export type Playback = components["schemas"]["PlaybackOut"];

/** A film the user started and has not finished. */
export type Watching = components["schemas"]["WatchingOut"];

export type Progress = components["schemas"]["ProgressIn"];

export async function getPlayback(movieId: string, signal?: AbortSignal): Promise<Playback> {
  const body = await request<Envelope<Playback>>("GET", `/api/movies/${segment(movieId)}/playback`, { signal });
  return body.data;
}

/** Saves still on their way: Continue watching waits for them, or it could show the past. */
const pendingSaves = new Set<Promise<unknown>>();

/** Saves where the user is in a film; `keepalive` lets the save outlive the page. */
export async function saveProgress(movieId: string, progress: Progress, keepalive = false): Promise<void> {
  const saving = request<unknown>("PUT", `/api/movies/${segment(movieId)}/progress`, { body: progress, keepalive });
  pendingSaves.add(saving);
  try {
    await saving;
  } finally {
    pendingSaves.delete(saving);
  }
}

export async function listWatching(signal?: AbortSignal): Promise<Watching[]> {
  await Promise.allSettled(pendingSaves);
  const body = await request<Partial<Envelope<Watching[]>> | null>("GET", "/api/watching", { signal });
  return body?.data ?? [];
}
