/** The catalogue and the signed-in user's list (`/api/movies`, `/api/user-movies`). */

import { request, segment } from "./http";
import type { components, paths } from "./schema";

export type Movie = components["schemas"]["MovieOut"];
/** A movie on the user's list: the entry's own id, and the movie. */
export type UserMovie = components["schemas"]["UserMovieOut"];
/** One page of movies; `next` is the cursor of the page after it, null on the last. */
export type MoviePage = Pick<components["schemas"]["Page_list_MovieOut__"], "data" | "next">;
export type MovieQuery = NonNullable<paths["/api/movies"]["get"]["parameters"]["query"]>;

type Envelope<T> = { data: T; message: string };

export async function listMovies(query: MovieQuery, signal?: AbortSignal): Promise<MoviePage> {
  const params = new URLSearchParams();
  if (query.q?.trim()) params.set("q", query.q.trim());
  for (const tag of query.tags ?? []) params.append("tags", tag);
  params.set("limit", String(query.limit ?? 20));
  if (query.cursor) params.set("cursor", query.cursor);
  const body = await request<Partial<MoviePage> | null>("GET", `/api/movies?${params.toString()}`, {
    signal,
  });
  return { data: body?.data ?? [], next: body?.next ?? null };
}

export async function getMovie(id: string, signal?: AbortSignal): Promise<Movie> {
  const body = await request<Envelope<Movie>>("GET", `/api/movies/${segment(id)}`, { signal });
  return body.data;
}

export async function listUserMovies(signal?: AbortSignal): Promise<UserMovie[]> {
  const body = await request<Partial<Envelope<UserMovie[]>> | null>("GET", "/api/user-movies", {
    signal,
  });
  return body?.data ?? [];
}

/** Adds a movie to the user's list; resolves with the list entry's id. */
export async function addUserMovie(movieId: string): Promise<string> {
  const entry: components["schemas"]["UserMovieCreate"] = { movieId };
  const body = await request<Envelope<string>>("POST", "/api/user-movies", { body: entry });
  return body.data;
}

export async function removeUserMovie(entryId: string): Promise<void> {
  await request<unknown>("DELETE", `/api/user-movies/${segment(entryId)}`);
}

/** A genre of the catalogue: its tag, how it reads, and how many films carry it. */
export type Genre = components["schemas"]["GenreOut"];

/** A row of the home page: Trends first, then one per genre (`tag`); each film in one row. */
export type MovieRowData = components["schemas"]["RowOut"];

export async function listGenres(signal?: AbortSignal): Promise<Genre[]> {
  const body = await request<Partial<Envelope<Genre[]>> | null>("GET", "/api/catalogue/genres", { signal });
  return body?.data ?? [];
}

export async function listRows(limit: number, signal?: AbortSignal): Promise<MovieRowData[]> {
  const body = await request<Partial<Envelope<MovieRowData[]>> | null>("GET", `/api/catalogue/rows?limit=${limit}`, {
    signal,
  });
  return body?.data ?? [];
}
