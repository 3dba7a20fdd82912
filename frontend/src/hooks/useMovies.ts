import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "../api";

export interface MoviesState {
  status: "loading" | "ready" | "error";
  movies: api.Movie[];
  next: string | null;
  error: api.ApiError | null;
  loadingMore: boolean;
  moreError: api.ApiError | null;
  loadMore: () => void;
  retry: () => void;
}

/** One page of `GET /api/movies` for `query`, refetched when the query changes, plus "load more". */
export function useMovies(query: api.MovieQuery): MoviesState {
  const key = JSON.stringify([query.q ?? "", query.tags ?? [], query.limit ?? 20]);
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<MoviesState, "loadMore" | "retry">>({
    status: "loading",
    movies: [],
    next: null,
    error: null,
    loadingMore: false,
    moreError: null,
  });
  const moreController = useRef<AbortController | null>(null);
  const queryRef = useRef(query);
  queryRef.current = query;

  useEffect(() => {
    const controller = new AbortController();
    moreController.current?.abort();
    setState({ status: "loading", movies: [], next: null, error: null, loadingMore: false, moreError: null });
    api
      .listMovies({ ...queryRef.current, cursor: null }, controller.signal)
      .then((page) =>
        setState({
          status: "ready",
          movies: page.data,
          next: page.next,
          error: null,
          loadingMore: false,
          moreError: null,
        }),
      )
      .catch((error: unknown) => {
        if (api.isAbortError(error)) return;
        setState((current) => ({ ...current, status: "error", error: api.asApiError(error) }));
      });
    return () => controller.abort();
  }, [key, attempt]);

  const stateRef = useRef(state);
  stateRef.current = state;

  const loadMore = useCallback(() => {
    const current = stateRef.current;
    if (current.status !== "ready" || !current.next || current.loadingMore) return;
    // Guards a second click that lands before the re-render.
    stateRef.current = { ...current, loadingMore: true };
    setState((latest) => ({ ...latest, loadingMore: true, moreError: null }));
    const controller = new AbortController();
    moreController.current = controller;
    api
      .listMovies({ ...queryRef.current, cursor: current.next }, controller.signal)
      .then((page) =>
        setState((latest) => {
          const seen = new Set(latest.movies.map((movie) => movie.id));
          return {
            ...latest,
            movies: [...latest.movies, ...page.data.filter((movie) => !seen.has(movie.id))],
            next: page.next,
            loadingMore: false,
          };
        }),
      )
      .catch((error: unknown) => {
        if (api.isAbortError(error)) return;
        setState((latest) => ({ ...latest, loadingMore: false, moreError: api.asApiError(error) }));
      });
  }, []);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => () => moreController.current?.abort(), []);

  return { ...state, loadMore, retry };
}
