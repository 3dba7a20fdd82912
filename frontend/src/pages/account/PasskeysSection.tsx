import { useEffect, useRef, useState, type FormEvent } from "react";
import * as api from "../../api";
import { browserSupportsWebAuthn, createPasskey, passkeyCancelled, passkeyMessage } from "../../auth/passkeys";
import { ErrorState } from "../../components/ErrorState";
import { Field } from "../AuthLayout";
import { SectionMessages } from "./SectionMessages";

type PasskeysState =
  | { status: "loading" }
  | { status: "ready"; passkeys: api.Passkey[] }
  | { status: "error"; error: api.ApiError };

const NAME_MAX = 64;

function formatWhen(iso: string | null): string | null {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** Passkeys: sign in with a fingerprint, a face or a device PIN instead of a password. */
export function PasskeysSection() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [state, setState] = useState<PasskeysState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const supported = browserSupportsWebAuthn();

  useEffect(() => {
    const controller = new AbortController();
    api
      .listPasskeys(controller.signal)
      .then((passkeys) => setState({ status: "ready", passkeys }))
      .catch((err: unknown) => {
        if (!api.isAbortError(err)) setState({ status: "error", error: api.asApiError(err) });
      });
    return () => controller.abort();
  }, [attempt]);

  const act = async (id: string, action: () => Promise<string | null>) => {
    if (busy) return;
    setBusy(id);
    setNotice(null);
    setError(null);
    try {
      setNotice(await action());
    } catch (err) {
      if (!(passkeyCancelled(err) && !(err instanceof api.ApiError))) {
        setError(passkeyMessage(err, "We couldn't add the passkey. Please try again."));
      }
    } finally {
      setBusy(null);
    }
  };

  const add = () =>
    void act("add", async () => {
      const passkey = await createPasskey();
      setAttempt((n) => n + 1);
      return `Passkey “${passkey?.name ?? "Passkey"}” added. You can use it to sign in.`;
    });

  const remove = (passkey: api.Passkey) =>
    void act(passkey.id, async () => {
      await api.removePasskey(passkey.id);
      setState((current) =>
        current.status === "ready"
          ? { status: "ready", passkeys: current.passkeys.filter((item) => item.id !== passkey.id) }
          : current,
      );
      heading.current?.focus();
      return `Passkey “${passkey.name}” removed.`;
    });

  const rename = (passkey: api.Passkey, name: string) =>
    void act(passkey.id, async () => {
      const renamed = await api.renamePasskey(passkey.id, name);
      setRenaming(null);
      setState((current) =>
        current.status === "ready"
          ? {
              status: "ready",
              passkeys: current.passkeys.map((item) => (item.id === passkey.id ? (renamed ?? { ...item, name }) : item)),
            }
          : current,
      );
      return `Passkey renamed to “${renamed?.name ?? name}”.`;
    });

  return (
    <section className="panel" aria-labelledby="passkeys-title" data-testid="passkeys-section">
      <h2 className="panel__title" id="passkeys-title" ref={heading} tabIndex={-1}>
        Passkeys
      </h2>
      <p className="panel__hint">
        Sign in with your fingerprint, face or device PIN instead of a password. A passkey can't be phished or
        guessed.
      </p>
      <SectionMessages name="passkeys" notice={notice} error={error} />
      {state.status === "loading" && <p className="panel__hint" aria-busy="true">Loading your passkeys…</p>}
      {state.status === "error" && (
        <ErrorState compact title="We couldn't load your passkeys" message={state.error.message} onRetry={() => setAttempt((n) => n + 1)} />
      )}
      {state.status === "ready" &&
        (state.passkeys.length === 0 ? (
          <p className="identities__empty">You have no passkeys yet.</p>
        ) : (
          <ul className="identities" aria-labelledby="passkeys-title">
            {state.passkeys.map((passkey) => {
              const created = formatWhen(passkey.createdAt);
              const used = formatWhen(passkey.lastUsedAt);
              const detailsId = `passkey-${passkey.id}-details`;
              return (
                <li key={passkey.id} className="identity passkey" data-testid="passkey">
                  {renaming === passkey.id ? (
                    <RenameForm
                      passkey={passkey}
                      busy={busy === passkey.id}
                      onSave={(name) => rename(passkey, name)}
                      onCancel={() => setRenaming(null)}
                    />
                  ) : (
                    <>
                      <div className="identity__text">
                        <p className="identity__name" data-testid="passkey-name">
                          {passkey.name}
                        </p>
                        <p className="identity__details" id={detailsId}>
                          {created && (
                            <span>
                              Added <time dateTime={passkey.createdAt}>{created}</time>
                            </span>
                          )}
                          <span>
                            {used && passkey.lastUsedAt ? (
                              <>
                                Last used <time dateTime={passkey.lastUsedAt}>{used}</time>
                              </>
                            ) : (
                              "Never used"
                            )}
                          </span>
                        </p>
                      </div>
                      <div className="identity__actions">
                        <button
                          type="button"
                          className="button button--secondary button--small"
                          aria-label={`Rename ${passkey.name}`}
                          aria-describedby={detailsId}
                          onClick={() => setRenaming(passkey.id)}
                        >
                          Rename
                        </button>
                        <button
                          type="button"
                          className="button button--secondary button--small"
                          aria-label={`Remove ${passkey.name}`}
                          aria-describedby={detailsId}
                          aria-busy={busy === passkey.id || undefined}
                          onClick={() => remove(passkey)}
                        >
                          {busy === passkey.id && <span className="spinner spinner--small" aria-hidden="true" />}
                          Remove
                        </button>
                      </div>
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        ))}
      <div className="panel__footer">
        {supported ? (
          <button type="button" className="button button--primary" onClick={add} aria-busy={busy === "add" || undefined}>
            {busy === "add" && <span className="spinner spinner--small" aria-hidden="true" />}
            Add a passkey
          </button>
        ) : (
          <p className="panel__hint">This browser can't create passkeys.</p>
        )}
      </div>
    </section>
  );
}

function RenameForm({
  passkey,
  busy,
  onSave,
  onCancel,
}: {
  passkey: api.Passkey;
  busy: boolean;
  onSave: (name: string) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(passkey.name);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setFieldError("Enter a name.");
    if ([...trimmed].length > NAME_MAX) return setFieldError(`At most ${NAME_MAX} characters.`);
    setFieldError(undefined);
    onSave(trimmed);
  };
  return (
    <form className="form passkey__rename" onSubmit={submit} noValidate aria-label={`Rename ${passkey.name}`}>
      <Field
        id={`passkey-${passkey.id}-name`}
        label="Passkey name"
        type="text"
        autoComplete="off"
        value={name}
        onChange={setName}
        error={fieldError}
        autoFocus
      />
      <div className="identity__actions">
        <button type="button" className="button button--secondary button--small" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary button--small" aria-busy={busy || undefined}>
          Save
        </button>
      </div>
    </form>
  );
}
