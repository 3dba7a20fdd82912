import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import { useAuth } from "../auth/AuthContext";
import { ErrorState } from "../components/ErrorState";
import { Field } from "../pages/AuthLayout";
import { SectionMessages } from "../pages/account/SectionMessages";
import * as admin from "./adminApi";
import { formatWhen } from "./formatWhen";

type ListState =
  | { status: "loading" }
  | { status: "ready"; users: admin.AdminUser[]; next: string | null }
  | { status: "error"; error: api.ApiError };

/** People: find them by name or email, disable or enable them, change their role, end sessions. */
export function UsersSection() {
  const { user: me } = useAuth();
  const heading = useRef<HTMLHeadingElement>(null);
  const [q, setQ] = useState("");
  const [search, setSearch] = useState("");
  const [state, setState] = useState<ListState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [sessionsOf, setSessionsOf] = useState<admin.AdminUser | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    admin
      .listUsers(search, null, controller.signal)
      .then((page) => setState({ status: "ready", users: page.items, next: page.next }))
      .catch((err: unknown) => {
        if (!api.isAbortError(err)) setState({ status: "error", error: api.asApiError(err) });
      });
    return () => controller.abort();
  }, [search, attempt]);

  const more = async () => {
    if (state.status !== "ready" || !state.next) return;
    try {
      const page = await admin.listUsers(search, state.next);
      setState({ status: "ready", users: [...state.users, ...page.items], next: page.next });
    } catch (err) {
      setError(api.asApiError(err).message);
    }
  };

  const change = async (user: admin.AdminUser, what: { disabled?: boolean; role?: admin.Role }, done: string) => {
    if (busyId) return;
    setBusyId(user.id);
    setError(null);
    setNotice(null);
    try {
      const changed = await admin.changeUser(user.id, what);
      const next = changed ?? { ...user, ...what };
      setState((current) =>
        current.status === "ready" ? { ...current, users: current.users.map((u) => (u.id === user.id ? next : u)) } : current,
      );
      setNotice(done);
    } catch (err) {
      setError(api.asApiError(err).message);
    } finally {
      setBusyId(null);
    }
  };

  return (
    <>
      <section className="panel" aria-labelledby="admin-users-title" data-testid="admin-users">
        <h2 className="panel__title" id="admin-users-title" ref={heading} tabIndex={-1}>
          Users
        </h2>
        <SectionMessages name="admin-users" notice={notice} error={error} />
        <form
          className="admin-toolbar"
          role="search"
          aria-label="Search users"
          onSubmit={(event) => {
            event.preventDefault();
            setSearch(q.trim());
          }}
        >
          <Field id="admin-user-search" label="Name or email" type="search" autoComplete="off" value={q} onChange={setQ} />
          <button type="submit" className="button button--secondary">
            Search
          </button>
        </form>
        {state.status === "loading" && (
          <p className="panel__hint" aria-busy="true">
            Loading users…
          </p>
        )}
        {state.status === "error" && (
          <ErrorState compact title="We couldn't load the users" message={state.error.message} onRetry={() => setAttempt((n) => n + 1)} />
        )}
        {state.status === "ready" &&
          (state.users.length === 0 ? (
            <p className="panel__hint">No user matches.</p>
          ) : (
            <div className="admin-table-wrap">
              <table className="admin-table" data-testid="admin-user-table">
                <caption className="visually-hidden">Users</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {state.users.map((user) => {
                    const busy = busyId === user.id;
                    const self = user.id === me?.id;
                    return (
                      <tr key={user.id} data-testid="admin-user-row">
                        <th scope="row">{user.name}</th>
                        <td>{user.email}</td>
                        <td>
                          <label className="visually-hidden" htmlFor={`role-${user.id}`}>
                            Role of {user.name}
                          </label>
                          <select
                            id={`role-${user.id}`}
                            className="admin-select"
                            value={user.role}
                            disabled={self || busy}
                            onChange={(event) => {
                              const role = event.target.value === "admin" ? "admin" : "user";
                              void change(user, { role }, `${user.name} is now ${role === "admin" ? "an admin" : "a user"}.`);
                            }}
                          >
                            <option value="user">user</option>
                            <option value="admin">admin</option>
                          </select>
                        </td>
                        <td data-testid="admin-user-status">{user.disabled ? "Disabled" : "Active"}</td>
                        <td>
                          <div className="admin-table__actions">
                            {!self && (
                              <button
                                type="button"
                                className="button button--secondary button--small"
                                aria-busy={busy || undefined}
                                onClick={() =>
                                  void change(
                                    user,
                                    { disabled: !user.disabled },
                                    user.disabled ? `${user.name} is enabled.` : `${user.name} is disabled and signed out.`,
                                  )
                                }
                              >
                                {user.disabled ? `Enable ${user.name}` : `Disable ${user.name}`}
                              </button>
                            )}
                            <button
                              type="button"
                              className="button button--secondary button--small"
                              aria-expanded={sessionsOf?.id === user.id}
                              aria-controls="admin-user-sessions"
                              onClick={() => setSessionsOf(sessionsOf?.id === user.id ? null : user)}
                            >
                              Sessions of {user.name}
                            </button>
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ))}
        {state.status === "ready" && state.next && (
          <button type="button" className="button button--secondary admin-more" onClick={() => void more()}>
            More
          </button>
        )}
      </section>
      <div id="admin-user-sessions">{sessionsOf && <UserSessions key={sessionsOf.id} user={sessionsOf} />}</div>
    </>
  );
}

type SessionsState =
  | { status: "loading" }
  | { status: "ready"; sessions: admin.UserSession[] }
  | { status: "error"; error: api.ApiError };

/** Where one user is signed in: end one session, or all of them. */
function UserSessions({ user }: { user: admin.AdminUser }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [state, setState] = useState<SessionsState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    admin
      .listUserSessions(user.id, controller.signal)
      .then((sessions) => setState({ status: "ready", sessions }))
      .catch((err: unknown) => {
        if (!api.isAbortError(err)) setState({ status: "error", error: api.asApiError(err) });
      });
    return () => controller.abort();
  }, [user.id, attempt]);

  const run = async (id: string, action: () => Promise<void>, done: (sessions: admin.UserSession[]) => admin.UserSession[], message: string) => {
    if (busy) return;
    setBusy(id);
    setError(null);
    setNotice(null);
    try {
      await action();
      setState((current) => (current.status === "ready" ? { status: "ready", sessions: done(current.sessions) } : current));
      setNotice(message);
      heading.current?.focus();
    } catch (err) {
      setError(api.asApiError(err).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="panel" aria-labelledby="admin-sessions-title" data-testid="admin-user-sessions">
      <h2 className="panel__title" id="admin-sessions-title" ref={heading} tabIndex={-1}>
        Sessions of {user.name}
      </h2>
      <SectionMessages name="admin-sessions" notice={notice} error={error} />
      {state.status === "loading" && (
        <p className="panel__hint" aria-busy="true">
          Loading sessions…
        </p>
      )}
      {state.status === "error" && (
        <ErrorState compact title="We couldn't load the sessions" message={state.error.message} onRetry={() => setAttempt((n) => n + 1)} />
      )}
      {state.status === "ready" &&
        (state.sessions.length === 0 ? (
          <p className="panel__hint" data-testid="admin-no-sessions">
            {user.name} is signed in nowhere.
          </p>
        ) : (
          <ul className="identities sessions" aria-labelledby="admin-sessions-title">
            {state.sessions.map((session) => {
              const created = formatWhen(session.createdAt);
              const used = formatWhen(session.lastUsedAt);
              return (
                <li key={session.id} className="identity session" data-testid="admin-session">
                  <div className="identity__text">
                    <p className="identity__name">{session.device}</p>
                    <p className="identity__details">
                      {created && <span>Signed in {created}</span>}
                      {used && <span>Last used {used}</span>}
                    </p>
                  </div>
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    aria-label={`End the session on ${session.device}`}
                    aria-busy={busy === session.id || undefined}
                    onClick={() =>
                      void run(
                        session.id,
                        () => admin.endUserSession(user.id, session.id),
                        (sessions) => sessions.filter((s) => s.id !== session.id),
                        `The session on ${session.device} is ended.`,
                      )
                    }
                  >
                    End
                  </button>
                </li>
              );
            })}
          </ul>
        ))}
      {state.status === "ready" && state.sessions.length > 0 && (
        <div className="panel__footer">
          <button
            type="button"
            className="button button--secondary"
            aria-busy={busy === "all" || undefined}
            onClick={() => void run("all", () => admin.endUserSessions(user.id), () => [], `Every session of ${user.name} is ended.`)}
          >
            End all sessions
          </button>
        </div>
      )}
    </section>
  );
}
