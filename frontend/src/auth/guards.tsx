import type { ReactNode } from "react";
import { Navigate, useLocation, useSearchParams } from "react-router";
import { FullPageError, Splash } from "../components/FullPage";
import { useAuth } from "./AuthContext";
import { safeNext, signInPath } from "./safeNext";

export interface SignInLocationState {
  expired?: boolean;
  notice?: string;
  email?: string;
}

/** Renders its children only with a session; otherwise sends the user to sign in and back. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state, retry } = useAuth();
  const location = useLocation();

  if (state.status === "loading") return <Splash />;
  if (state.status === "error") return <FullPageError message={state.error.message} onRetry={retry} />;
  if (state.status === "signed-out") {
    const here = `${location.pathname}${location.search}${location.hash}`;
    const to =
      state.reason === "signed-out"
        ? "/sign-in"
        : state.reason === "second-factor"
          ? `${signInPath(here)}${signInPath(here).includes("?") ? "&" : "?"}step=code`
          : signInPath(here);
    const navState: SignInLocationState | undefined =
      state.reason === "expired" ? { expired: true } : state.notice ? { notice: state.notice } : undefined;
    return <Navigate to={to} replace state={navState} />;
  }
  return children;
}

/** Sign-in and sign-up: a signed-in user goes straight to where they were heading. */
export function PublicOnly({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const [params] = useSearchParams();

  if (state.status === "loading") return <Splash />;
  if (state.status === "signed-in") return <Navigate to={safeNext(params.get("next"))} replace />;
  return children;
}
