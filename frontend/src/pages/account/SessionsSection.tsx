import { useEffect, useRef, useState } from "react";
import * as api from "../../api";
import { useAuth } from "../../auth/AuthContext";
import { ErrorState } from "../../components/ErrorState";
import { SectionMessages } from "./SectionMessages";

type SessionsState =
  | { status: "loading" }
  | { status: "ready"; sessions: api.AccountSession[] }
  | { status: "error"; error: api.ApiError };

function formatWhen(iso: string): string | null {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** Where the account is signed in: each session can be signed out, or all of them at once. */
export function SessionsSection({ version }: { version: number }) {
  const { signOutEverywhere } = useAuth();
  const heading = useRef<HTMLHeadingElement>(null);
  const [state, setState] = useState<SessionsState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [everywhereBusy, setEverywhereBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api
      .listSessions(controller.signal)
      .then((sessions) => setState({ status: "ready", sessions }))
      .catch((err: unknown) => {
        if (!api.isAbortError(err)) setState({ status: "error", error: api.asApiError(err) });
      });
    return () => controller.abort();
  }, [attempt, version]);

  const end = async (session: api.AccountSession) => {
    if (busyId) return;
    setBusyId(session.id);
    setError(null);
    try {
      await api.endSession(session.id);
    } catch (err) {
      setBusyId(null);
      setError(api.asApiError(err).message);
      return;
    }
    setBusyId(null);
    setState((current) =>
      current.status === "ready"
        ? { status: "ready", sessions: current.sessions.filter((item) => item.id !== session.id) }
        : current,
    );
    heading.current?.focus();
  };

  const everywhere = async () => {
    if (everywhereBusy) return;
    setEverywhereBusy(true);
    setError(null);
    try {
      // Signed out: the page's guard takes this browser to sign-in, which says why.
      await signOutEverywhere();
    } catch (err) {
      setEverywhereBusy(false);
      setError(api.asApiError(err).message);
    }
  };

  return (
    <section className="panel" aria-labelledby="sessions-title" data-testid="sessions-section">
      <h2 className="panel__title" id="sessions-title" ref={heading} tabIndex={-1}>
        Where you're signed in
      </h2>
      <p className="panel__hint">Sign out a device you don't recognise, or every device at once.</p>
      <SectionMessages name="sessions" error={error} />
      {state.status === "loading" && <p className="panel__hint" aria-busy="true">Loading your sessions…</p>}
      {state.status === "error" && (
        <ErrorState compact title="We couldn't load your sessions" message={state.error.message} onRetry={() => setAttempt((n) => n + 1)} />
      )}
      {state.status === "ready" && (
        <ul className="identities sessions" aria-labelledby="sessions-title">
          {state.sessions.map((session) => {
            const created = formatWhen(session.createdAt);
            const used = formatWhen(session.lastUsedAt);
            const detailsId = `session-${session.id}-details`;
            const busy = busyId === session.id;
            return (
              <li key={session.id} className="identity session" data-testid="session">
                <div className="identity__text">
                  <p className="identity__name">
                    <span data-testid="session-device">{session.device}</span>
                    {session.current && (
                      <span className="badge" data-testid="this-device">
                        This device
                      </span>
                    )}
                  </p>
                  <p className="identity__details" id={detailsId}>
                    {created && (
                      <span>
                        Signed in <time dateTime={session.createdAt}>{created}</time>
                      </span>
                    )}
                    {used && (
                      <span>
                        Last used <time dateTime={session.lastUsedAt}>{used}</time>
                      </span>
                    )}
                  </p>
                </div>
                {!session.current && (
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    aria-label={`Sign out ${session.device}`}
                    aria-describedby={detailsId}
                    aria-busy={busy || undefined}
                    aria-disabled={(busyId !== null && !busy) || undefined}
                    onClick={() => void end(session)}
                  >
                    {busy && <span className="spinner spinner--small" aria-hidden="true" />}
                    Sign out
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <div className="panel__footer">
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void everywhere()}
          aria-busy={everywhereBusy || undefined}
          data-testid="sign-out-everywhere"
        >
          Sign out everywhere
        </button>
      </div>
    </section>
  );
}
