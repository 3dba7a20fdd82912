import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import { ErrorState } from "../components/ErrorState";
import { Field } from "../pages/AuthLayout";
import { SectionMessages } from "../pages/account/SectionMessages";
import * as admin from "./adminApi";
import { formatWhen } from "./formatWhen";

/** The actions the audit trail records (cinepass.audit.actions.Action). */
const ACTIONS = [
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.locked_out",
  "auth.sign_out",
  "auth.sign_out_everywhere",
  "auth.refresh",
  "auth.refresh_reuse",
  "account.signed_up",
  "account.password_changed",
  "account.password_reset",
  "account.email_verified",
  "account.email_changed",
  "mfa.enabled",
  "mfa.disabled",
  "mfa.recovery_codes_renewed",
  "passkey.added",
  "passkey.removed",
  "identity.linked",
  "identity.unlinked",
  "api_key.created",
  "api_key.revoked",
  "signing_key.rotated",
  "user.disabled",
  "user.enabled",
  "user.deleted",
  "user.role_changed",
  "movie.created",
  "movie.updated",
  "movie.deleted",
  "movies.imported",
];

const PERIODS = [
  { value: "", label: "Any time" },
  { value: "3600", label: "The last hour" },
  { value: "86400", label: "The last 24 hours" },
  { value: "604800", label: "The last 7 days" },
  { value: "2592000", label: "The last 30 days" },
];

type LogState =
  | { status: "loading" }
  | { status: "ready"; events: admin.AuditEvent[]; next: string | null }
  | { status: "error"; error: api.ApiError };

function sinceOf(seconds: string): string {
  return seconds ? new Date(Date.now() - Number(seconds) * 1000).toISOString() : "";
}

/** What happened, newest first: filter by user, action and time; "More" reads older events. */
export function AuditSection() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [user, setUser] = useState("");
  const [action, setAction] = useState("");
  const [period, setPeriod] = useState("");
  const [filters, setFilters] = useState<admin.AuditFilters>({ user: "", action: "", since: "" });
  const [state, setState] = useState<LogState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    admin
      .listAudit(filters, null, controller.signal)
      .then((page) => setState({ status: "ready", events: page.items, next: page.next }))
      .catch((err: unknown) => {
        if (!api.isAbortError(err)) setState({ status: "error", error: api.asApiError(err) });
      });
    return () => controller.abort();
  }, [filters, attempt]);

  const more = async () => {
    if (state.status !== "ready" || !state.next || loadingMore) return;
    setLoadingMore(true);
    setError(null);
    try {
      const page = await admin.listAudit(filters, state.next);
      setState({ status: "ready", events: [...state.events, ...page.items], next: page.next });
    } catch (err) {
      setError(api.asApiError(err).message);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="admin-audit-title" data-testid="admin-audit">
      <h2 className="panel__title" id="admin-audit-title" ref={heading} tabIndex={-1}>
        Audit log
      </h2>
      <p className="panel__hint">Security events and admin changes, newest first.</p>
      <SectionMessages name="admin-audit" error={error} />
      <form
        className="admin-toolbar"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters({ user: user.trim(), action, since: sinceOf(period) });
        }}
      >
        <Field id="admin-audit-user" label="User's email" type="search" autoComplete="off" value={user} onChange={setUser} />
        <div className="field">
          <label className="field__label" htmlFor="admin-audit-action">
            Action
          </label>
          <select id="admin-audit-action" className="admin-select" value={action} onChange={(event) => setAction(event.target.value)}>
            <option value="">Any action</option>
            {ACTIONS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor="admin-audit-since">
            Since
          </label>
          <select id="admin-audit-since" className="admin-select" value={period} onChange={(event) => setPeriod(event.target.value)}>
            {PERIODS.map((item) => (
              <option key={item.value} value={item.value}>
                {item.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--secondary">
          Apply filters
        </button>
      </form>
      {state.status === "loading" && (
        <p className="panel__hint" aria-busy="true">
          Loading events…
        </p>
      )}
      {state.status === "error" && (
        <ErrorState compact title="We couldn't load the audit log" message={state.error.message} onRetry={() => setAttempt((n) => n + 1)} />
      )}
      {state.status === "ready" &&
        (state.events.length === 0 ? (
          <p className="panel__hint">No event matches.</p>
        ) : (
          <div className="admin-table-wrap">
            <table className="admin-table" data-testid="admin-audit-table">
              <caption className="visually-hidden">Audit events</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody>
                {state.events.map((event) => (
                  <tr key={event.id} data-testid="admin-audit-row">
                    <td>
                      <time dateTime={event.at}>{formatWhen(event.at) ?? event.at}</time>
                    </td>
                    <td>{event.actor}</td>
                    <td className="admin-nowrap" data-testid="admin-audit-action">
                      {event.action}
                    </td>
                    <td>{event.target}</td>
                    <td className={`admin-nowrap admin-outcome--${event.outcome}`}>
                      {event.outcome}
                      {event.reason && ` (${event.reason})`}
                    </td>
                    <td className="admin-nowrap">{event.address ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {state.status === "ready" && state.next && (
        <button type="button" className="button button--secondary admin-more" aria-busy={loadingMore || undefined} onClick={() => void more()}>
          More
        </button>
      )}
    </section>
  );
}
