import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "../api";

export interface LoadState<T> {
  status: "loading" | "ready" | "error";
  data: T | null;
  error: api.ApiError | null;
  retry: () => void;
}

/** One GET's answer, loaded on mount and again on `retry` (or when `key` changes). */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, key = ""): LoadState<T> {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<LoadState<T>, "retry">>({ status: "loading", data: null, error: null });
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading", data: null, error: null });
    loadRef
      .current(controller.signal)
      .then((data) => setState({ status: "ready", data, error: null }))
      .catch((error: unknown) => {
        if (api.isAbortError(error)) return;
        setState({ status: "error", data: null, error: api.asApiError(error) });
      });
    return () => controller.abort();
  }, [key, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, retry };
}
