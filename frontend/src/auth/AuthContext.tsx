import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from "react";
import * as api from "../api";

/** Why there is no session: decides whether sign-in says "your session ended". */
export type SignedOutReason = "initial" | "expired" | "signed-out";

export type AuthState =
  | { status: "loading" }
  | { status: "signed-in"; user: api.User }
  | { status: "signed-out"; reason: SignedOutReason }
  | { status: "error"; error: api.ApiError };

/** `finished` is false when the server will end the session later (it was unreachable). */
export interface SignOutResult {
  finished: boolean;
}

interface AuthContextValue {
  state: AuthState;
  user: api.User | null;
  signIn: (email: string, password: string, rememberMe: boolean) => Promise<api.User>;
  signOut: () => Promise<SignOutResult>;
  retry: () => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api
      .getSession(controller.signal)
      .then((user) =>
        setState(user ? { status: "signed-in", user } : { status: "signed-out", reason: "initial" }),
      )
      .catch((error: unknown) => {
        if (api.isAbortError(error)) return;
        setState({
          status: "error",
          error: api.asApiError(error, api.UNAVAILABLE_MESSAGE),
        });
      });
    return () => controller.abort();
  }, [attempt]);

  useEffect(
    () =>
      api.onSessionEnded(() =>
        setState((current) =>
          current.status === "signed-in" ? { status: "signed-out", reason: "expired" } : current,
        ),
      ),
    [],
  );

  const signIn = useCallback(async (email: string, password: string, rememberMe: boolean) => {
    const user = await api.signIn(email, password, rememberMe);
    setState({ status: "signed-in", user });
    return user;
  }, []);

  const signOut = useCallback(async (): Promise<SignOutResult> => {
    let finished = true;
    try {
      await api.signOut();
    } catch (error) {
      // 401: the session was already gone. 503: the render server could not reach the API, but
      // it has cleared the cookie, will never take it back, and ends the session when the API
      // answers again. The user is signed out here either way.
      if (!(error instanceof api.ApiError && (error.status === 401 || error.status === 503))) {
        throw error;
      }
      finished = error.status === 401;
    }
    setState({ status: "signed-out", reason: "signed-out" });
    return { finished };
  }, []);

  const retry = useCallback(() => {
    setState({ status: "loading" });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      user: state.status === "signed-in" ? state.user : null,
      signIn,
      signOut,
      retry,
    }),
    [state, signIn, signOut, retry],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth() must be used inside <AuthProvider>");
  return value;
}
