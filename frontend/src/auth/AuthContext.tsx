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

/** Why there is no session: decides what sign-in says ("second-factor": a code is wanted). */
export type SignedOutReason = "initial" | "expired" | "signed-out" | "second-factor";

export type AuthState =
  | { status: "loading" }
  | { status: "signed-in"; user: api.User }
  | { status: "signed-out"; reason: SignedOutReason; notice?: string }
  | { status: "error"; error: api.ApiError };

/** `finished` is false when the server will end the session later (it was unreachable). */
export interface SignOutResult {
  finished: boolean;
}

interface AuthContextValue {
  state: AuthState;
  user: api.User | null;
  /** Signs in, or says a code is wanted (then `signedIn` once `api.signInWithCode` worked). */
  signIn: (email: string, password: string, rememberMe: boolean) => Promise<api.SignInOutcome>;
  /** The server signed this browser in another way (a mailed link): take its user. */
  signedIn: (user: api.User) => void;
  /**
   * Reads the session again, quietly (the address may have been confirmed meanwhile): the user,
   * or null when there is no session; an unreachable server leaves the state as it was.
   */
  reload: () => Promise<api.User | null>;
  signOut: () => Promise<SignOutResult>;
  /** This browser's session ended and a sign-in waits for a code (a password change, say). */
  needSecondFactor: () => void;
  /** Ends every session of the account; this browser is signed out too (sign-in says so). */
  signOutEverywhere: () => Promise<void>;
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
      // Only while still loading: a mailed link's page may have signed the browser in meanwhile.
      .then((user) =>
        setState((current) =>
          current.status !== "loading"
            ? current
            : user
              ? { status: "signed-in", user }
              : { status: "signed-out", reason: "initial" },
        ),
      )
      .catch((error: unknown) => {
        if (api.isAbortError(error)) return;
        const failed: AuthState = { status: "error", error: api.asApiError(error, api.UNAVAILABLE_MESSAGE) };
        setState((current) => (current.status === "loading" ? failed : current));
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

  const reload = useCallback(async () => {
    let user: api.User | null;
    try {
      user = await api.getSession();
    } catch {
      return null;
    }
    setState((current) => {
      if (user) return { status: "signed-in", user };
      return current.status === "signed-in" ? { status: "signed-out", reason: "expired" } : current;
    });
    return user;
  }, []);

  const signedIn = useCallback(
    (user: api.User) => {
      setState({ status: "signed-in", user });
      // A sign-in answer may not say whether the address is confirmed: the session does.
      if (user.emailVerified === undefined) void reload();
    },
    [reload],
  );

  const signIn = useCallback(
    async (email: string, password: string, rememberMe: boolean) => {
      const outcome = await api.signIn(email, password, rememberMe);
      if (outcome.kind === "signed-in") signedIn(outcome.user);
      return outcome;
    },
    [signedIn],
  );

  const signOutEverywhere = useCallback(async () => {
    await api.signOutEverywhere();
    setState({ status: "signed-out", reason: "signed-out", notice: "You're signed out on every device, this one too." });
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

  const needSecondFactor = useCallback(() => {
    setState({ status: "signed-out", reason: "second-factor" });
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
      signedIn,
      reload,
      signOut,
      signOutEverywhere,
      needSecondFactor,
      retry,
    }),
    [state, signIn, signedIn, reload, signOut, signOutEverywhere, needSecondFactor, retry],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth() must be used inside <AuthProvider>");
  return value;
}
