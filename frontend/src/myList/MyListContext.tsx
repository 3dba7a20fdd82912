import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";
import * as api from "../api";
import { useAuth } from "../auth/AuthContext";
import { useNotify } from "../toast/Toasts";

type LoadStatus = "idle" | "loading" | "ready" | "error";

interface MyListContextValue {
  status: LoadStatus;
  error: api.ApiError | null;
  entries: api.UserMovie[];
  isInList: (movieId: string) => boolean;
  isPending: (movieId: string) => boolean;
  toggle: (movie: api.Movie) => Promise<void>;
  reload: () => void;
}

const MyListContext = createContext<MyListContextValue | null>(null);

const PENDING_PREFIX = "pending:";

/** The signed-in user's list, shared by every card, row and the player; changes are optimistic. */
export function MyListProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const notify = useNotify();
  const [entries, setEntries] = useState<api.UserMovie[]>([]);
  const [status, setStatus] = useState<LoadStatus>("idle");
  const [error, setError] = useState<api.ApiError | null>(null);
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [attempt, setAttempt] = useState(0);
  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  const userId = user?.id ?? null;

  useEffect(() => {
    setEntries([]);
    setPending(new Set());
    setError(null);
    if (!userId) {
      setStatus("idle");
      return;
    }
    setStatus("loading");
    const controller = new AbortController();
    api
      .listUserMovies(controller.signal)
      .then((list) => {
        setEntries(list);
        setStatus("ready");
      })
      .catch((err: unknown) => {
        if (api.isAbortError(err)) return;
        setError(api.asApiError(err));
        setStatus("error");
      });
    return () => controller.abort();
  }, [userId, attempt]);

  const setMoviePending = useCallback((movieId: string, on: boolean) => {
    setPending((current) => {
      const copy = new Set(current);
      if (on) copy.add(movieId);
      else copy.delete(movieId);
      return copy;
    });
  }, []);

  const toggle = useCallback(
    async (movie: api.Movie) => {
      const existing = entriesRef.current.find((entry) => entry.movieId === movie.id);
      setMoviePending(movie.id, true);
      try {
        if (existing) {
          setEntries((current) => current.filter((entry) => entry.movieId !== movie.id));
          try {
            if (!existing.id.startsWith(PENDING_PREFIX)) await api.removeUserMovie(existing.id);
            notify(`Removed “${movie.title}” from My list`);
          } catch (err) {
            const failure = api.asApiError(err);
            if (failure.status === 404) return; // already gone
            setEntries((current) =>
              current.some((entry) => entry.movieId === movie.id) ? current : [existing, ...current],
            );
            if (failure.status !== 401) {
              notify(`Couldn't remove “${movie.title}”: ${failure.message}`, "error");
            }
          }
        } else {
          const optimistic: api.UserMovie = {
            id: `${PENDING_PREFIX}${movie.id}`,
            userId: userId ?? "",
            movieId: movie.id,
            movie,
          };
          setEntries((current) => [optimistic, ...current]);
          try {
            const entryId = await api.addUserMovie(movie.id);
            setEntries((current) =>
              current.map((entry) => (entry === optimistic ? { ...entry, id: entryId } : entry)),
            );
            notify(`Added “${movie.title}” to My list`);
          } catch (err) {
            const failure = api.asApiError(err);
            setEntries((current) => current.filter((entry) => entry !== optimistic));
            if (failure.status !== 401) {
              notify(`Couldn't add “${movie.title}”: ${failure.message}`, "error");
            }
          }
        }
      } finally {
        setMoviePending(movie.id, false);
      }
    },
    [notify, setMoviePending, userId],
  );

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const value = useMemo<MyListContextValue>(() => {
    const ids = new Set(entries.map((entry) => entry.movieId));
    return {
      status,
      error,
      entries,
      isInList: (movieId) => ids.has(movieId),
      isPending: (movieId) => pending.has(movieId),
      toggle,
      reload,
    };
  }, [entries, error, pending, reload, status, toggle]);

  return <MyListContext.Provider value={value}>{children}</MyListContext.Provider>;
}

export function useMyList(): MyListContextValue {
  const value = useContext(MyListContext);
  if (!value) throw new Error("useMyList() must be used inside <MyListProvider>");
  return value;
}
