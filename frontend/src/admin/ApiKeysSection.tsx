import { useEffect, useRef, useState, type FormEvent } from "react";
import * as api from "../api";
import { ErrorState } from "../components/ErrorState";
import { Field, SubmitButton } from "../pages/AuthLayout";
import { SectionMessages } from "../pages/account/SectionMessages";
import * as admin from "./adminApi";
import { formatWhen } from "./formatWhen";

/** The presets the API knows (cinepass.scopes.PRESETS), and what each is for. */
const PRESETS = [
  { name: "public", label: "public: sign-in and the catalogue (access tokens only)" },
  { name: "web", label: "web: a render server (refresh tokens, the admin console)" },
  { name: "admin", label: "admin: every scope" },
] as const;
const CHOOSE = "choose";

/** Every scope the API knows (cinepass.scopes.ALL_SCOPES), for a key made to measure. */
const SCOPES = [
  "signin:auth",
  "signup:auth",
  "signin:provider",
  "read:movies",
  "create:movies",
  "update:movies",
  "delete:movies",
  "read:user-movies",
  "create:user-movies",
  "delete:user-movies",
  "read:users",
  "update:users",
  "read:api-keys",
  "create:api-keys",
  "delete:api-keys",
  "read:audit",
  "offline_access",
];

type ListState = { status: "loading" } | { status: "ready"; keys: admin.ApiKey[] } | { status: "error"; error: api.ApiError };

/** API keys: create one (its secret is shown once), see them, revoke one. */
export function ApiKeysSection() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [state, setState] = useState<ListState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [name, setName] = useState("");
  const [preset, setPreset] = useState<string>("public");
  const [chosen, setChosen] = useState<string[]>([]);
  const [nameError, setNameError] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    admin
      .listApiKeys(controller.signal)
      .then((keys) => setState({ status: "ready", keys }))
      .catch((err: unknown) => {
        if (!api.isAbortError(err)) setState({ status: "error", error: api.asApiError(err) });
      });
    return () => controller.abort();
  }, [attempt]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (creating) return;
    if (!name.trim()) {
      setNameError("Name the key after who uses it, such as “render server”.");
      return;
    }
    if (preset === CHOOSE && chosen.length === 0) {
      setError("Choose at least one scope, or a preset.");
      return;
    }
    setNameError(undefined);
    setCreating(true);
    setError(null);
    setNotice(null);
    try {
      const result = await admin.createApiKey(name.trim(), preset === CHOOSE ? { scopes: chosen } : { preset });
      setCreated({ name: name.trim(), secret: result.secret });
      setName("");
      setAttempt((n) => n + 1);
    } catch (err) {
      const failure = api.asApiError(err);
      setNameError(failure.details.find((d) => d.field.endsWith("name"))?.message);
      setError(failure.message);
    } finally {
      setCreating(false);
    }
  };

  const revoke = async (key: admin.ApiKey) => {
    setBusyId(key.id);
    setError(null);
    setNotice(null);
    try {
      await admin.revokeApiKey(key.id);
    } catch (err) {
      setBusyId(null);
      setError(api.asApiError(err).message);
      return;
    }
    setBusyId(null);
    setConfirming(null);
    setNotice(`The key “${key.name}” is revoked. Nothing can sign in with it any more.`);
    setAttempt((n) => n + 1);
    heading.current?.focus();
  };

  return (
    <section className="panel" aria-labelledby="admin-keys-title" data-testid="admin-api-keys">
      <h2 className="panel__title" id="admin-keys-title" ref={heading} tabIndex={-1}>
        API keys
      </h2>
      <p className="panel__hint">Each application that signs people in to cinepass holds a key.</p>
      <SectionMessages name="admin-keys" notice={notice} error={error} />

      {created ? (
        <KeySecret
          name={created.name}
          secret={created.secret}
          onDone={() => {
            setCreated(null);
            heading.current?.focus();
          }}
        />
      ) : (
        <form className="admin-form" aria-labelledby="admin-key-form-title" onSubmit={(event) => void create(event)} noValidate>
          <h3 className="link-providers__title field--wide" id="admin-key-form-title">
            New key
          </h3>
          <Field id="admin-key-name" label="Name" type="text" autoComplete="off" value={name} onChange={setName} error={nameError} />
          <div className="field">
            <label className="field__label" htmlFor="admin-key-preset">
              Scopes
            </label>
            <select id="admin-key-preset" className="admin-select" value={preset} onChange={(event) => setPreset(event.target.value)}>
              {PRESETS.map((item) => (
                <option key={item.name} value={item.name}>
                  {item.label}
                </option>
              ))}
              <option value={CHOOSE}>Choose scopes one by one</option>
            </select>
          </div>
          {preset === CHOOSE && (
            <fieldset className="admin-scopes field--wide">
              <legend>Scopes of the new key</legend>
              {SCOPES.map((scope) => (
                <label key={scope} className="checkbox" htmlFor={`admin-scope-${scope}`}>
                  <input
                    id={`admin-scope-${scope}`}
                    type="checkbox"
                    checked={chosen.includes(scope)}
                    onChange={(event) =>
                      setChosen((current) =>
                        event.target.checked ? [...current, scope] : current.filter((item) => item !== scope),
                      )
                    }
                  />
                  <span className="checkbox__box" aria-hidden="true" />
                  <span>{scope}</span>
                </label>
              ))}
            </fieldset>
          )}
          <div className="admin-form__actions">
            <SubmitButton busy={creating} block={false}>
              Create key
            </SubmitButton>
          </div>
        </form>
      )}

      {state.status === "loading" && (
        <p className="panel__hint" aria-busy="true">
          Loading keys…
        </p>
      )}
      {state.status === "error" && (
        <ErrorState compact title="We couldn't load the keys" message={state.error.message} onRetry={() => setAttempt((n) => n + 1)} />
      )}
      {state.status === "ready" && (
        <div className="admin-table-wrap">
          <table className="admin-table" data-testid="admin-key-table">
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {state.keys.map((key) => (
                <tr key={key.id} data-testid="admin-key-row">
                  <th scope="row">{key.name}</th>
                  <td>
                    <code>{key.prefix}</code>
                  </td>
                  <td>{key.scopes.join(" ")}</td>
                  <td>{formatWhen(key.createdAt) ?? ""}</td>
                  <td>
                    {key.revoked ? (
                      <span className="badge">Revoked</span>
                    ) : confirming === key.id ? (
                      <div className="admin-table__actions">
                        <button
                          type="button"
                          className="button button--primary button--small"
                          aria-busy={busyId === key.id || undefined}
                          onClick={() => void revoke(key)}
                          autoFocus
                        >
                          Yes, revoke “{key.name}”
                        </button>
                        <button type="button" className="button button--secondary button--small" onClick={() => setConfirming(null)}>
                          Keep it
                        </button>
                      </div>
                    ) : (
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        aria-label={`Revoke ${key.name}`}
                        onClick={() => setConfirming(key.id)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A new key's secret: shown this once, with a copy button and a warning. */
function KeySecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    box.current?.focus();
  }, []);

  const copy = () => {
    navigator.clipboard
      .writeText(secret)
      .then(() => setCopied("Copied to the clipboard."))
      .catch(() => setCopied("Copying didn't work: select the key and copy it."));
  };

  return (
    <div className="admin-secret" ref={box} tabIndex={-1} role="region" aria-labelledby="admin-secret-title" data-testid="admin-key-secret">
      <h3 className="link-providers__title" id="admin-secret-title">
        The key “{name}”
      </h3>
      <p>
        <strong>Copy it now: it is shown only this once.</strong> cinepass keeps no copy it could show you again; if it is lost,
        revoke it and create another.
      </p>
      <code className="admin-secret__value" data-testid="admin-key-secret-value">
        {secret}
      </code>
      <div className="admin-form__actions">
        <button type="button" className="button button--primary" onClick={copy}>
          Copy the key
        </button>
        <button type="button" className="button button--secondary" onClick={onDone}>
          I've copied it
        </button>
      </div>
      <p role="status" className="panel__hint">
        {copied}
      </p>
    </div>
  );
}
