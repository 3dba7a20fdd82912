import { useEffect, useState, type FormEvent } from "react";
import * as api from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { Field, SubmitButton } from "../AuthLayout";
import { SectionMessages } from "./SectionMessages";

type StatusState =
  | { status: "loading" }
  | { status: "ready"; mfa: api.MfaStatus }
  | { status: "error"; error: api.ApiError };

/** What the section shows: the status, a setup under way, or new recovery codes (shown once). */
type View = { kind: "status" } | { kind: "setup"; setup: api.TotpSetup } | { kind: "codes"; codes: string[] };

/** The QR code as an image: the API's SVG document is never put into the page's own markup. */
export function qrImageSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function formatDate(iso: string | null): string | null {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(date);
}

/** Two-step verification: a code from an authenticator app after the password. */
export function TwoStepSection() {
  const [state, setState] = useState<StatusState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [view, setView] = useState<View>({ kind: "status" });
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api
      .getMfaStatus(controller.signal)
      .then((mfa) => setState({ status: "ready", mfa }))
      .catch((err: unknown) => {
        if (!api.isAbortError(err)) setState({ status: "error", error: api.asApiError(err) });
      });
    return () => controller.abort();
  }, [attempt]);

  const act = async (name: string, action: () => Promise<void>) => {
    if (busy) return;
    setBusy(name);
    setNotice(null);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(api.asApiError(err).message);
    } finally {
      setBusy(null);
    }
  };

  const start = () =>
    void act("start", async () => {
      setView({ kind: "setup", setup: await api.startTotp() });
    });

  const confirm = (code: string) =>
    act("confirm", async () => {
      const codes = await api.confirmTotp(code);
      setView({ kind: "codes", codes });
      setNotice("Two-step verification is on. Save your recovery codes now.");
      setAttempt((n) => n + 1);
    });

  const disable = (code: string) =>
    act("disable", async () => {
      await api.disableMfa(code);
      setView({ kind: "status" });
      setNotice("Two-step verification is off.");
      setAttempt((n) => n + 1);
    });

  const regenerate = (code: string) =>
    act("regenerate", async () => {
      const codes = await api.newRecoveryCodes(code);
      setView({ kind: "codes", codes });
      setNotice("New recovery codes made; the old ones no longer work.");
      setAttempt((n) => n + 1);
    });

  return (
    <section className="panel" aria-labelledby="two-step-title" data-testid="two-step-section">
      <h2 className="panel__title" id="two-step-title">
        Two-step verification
      </h2>
      <p className="panel__hint">After your password, enter a code from an authenticator app on your phone.</p>
      <SectionMessages name="two-step" notice={notice} error={error} />
      {state.status === "loading" && <p className="panel__hint" aria-busy="true">Loading…</p>}
      {state.status === "error" && (
        <ErrorState compact title="We couldn't load this setting" message={state.error.message} onRetry={() => setAttempt((n) => n + 1)} />
      )}
      {state.status === "ready" && view.kind === "codes" && (
        <RecoveryCodes codes={view.codes} onDone={() => setView({ kind: "status" })} />
      )}
      {state.status === "ready" && view.kind === "setup" && (
        <TotpSetupForm
          setup={view.setup}
          busy={busy === "confirm"}
          onConfirm={confirm}
          onCancel={() => setView({ kind: "status" })}
        />
      )}
      {state.status === "ready" && view.kind === "status" && !state.mfa.totpEnabled && (
        <div className="panel__footer">
          <p className="panel__hint" data-testid="two-step-status">
            Off
          </p>
          <button type="button" className="button button--primary" onClick={start} aria-busy={busy === "start" || undefined}>
            {busy === "start" && <span className="spinner spinner--small" aria-hidden="true" />}
            Turn on two-step verification
          </button>
        </div>
      )}
      {state.status === "ready" && view.kind === "status" && state.mfa.totpEnabled && (
        <>
          <p data-testid="two-step-status">
            On{formatDate(state.mfa.enabledAt) ? ` since ${formatDate(state.mfa.enabledAt)}` : ""}.{" "}
            {state.mfa.recoveryCodesLeft} recovery {state.mfa.recoveryCodesLeft === 1 ? "code" : "codes"} left.
          </p>
          <CodeForm
            id="regenerate-code"
            label="Code for new recovery codes"
            action="Make new recovery codes"
            busy={busy === "regenerate"}
            onSubmit={regenerate}
          />
          <CodeForm
            id="disable-code"
            label="Code to turn it off"
            action="Turn off two-step verification"
            busy={busy === "disable"}
            onSubmit={disable}
          />
        </>
      )}
    </section>
  );
}

function TotpSetupForm({
  setup,
  busy,
  onConfirm,
  onCancel,
}: {
  setup: api.TotpSetup;
  busy: boolean;
  onConfirm: (code: string) => Promise<void>;
  onCancel: () => void;
}) {
  return (
    <div className="totp-setup" data-testid="totp-setup">
      <ol className="totp-setup__steps">
        <li>Open your authenticator app and scan this QR code.</li>
        <li>
          Can't scan it? Enter this key instead:{" "}
          <code className="totp-setup__secret" data-testid="totp-secret">
            {setup.secret}
          </code>
        </li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      {setup.qrSvg && (
        <img className="totp-setup__qr" src={qrImageSource(setup.qrSvg)} alt="QR code to add cinepass to your authenticator app" width={200} height={200} />
      )}
      <CodeForm id="totp-confirm-code" label="Code from the app" action="Turn on" busy={busy} onSubmit={onConfirm} onCancel={onCancel} />
    </div>
  );
}

function CodeForm({
  id,
  label,
  action,
  busy,
  onSubmit,
  onCancel,
}: {
  id: string;
  label: string;
  action: string;
  busy: boolean;
  onSubmit: (code: string) => Promise<void>;
  onCancel?: () => void;
}) {
  const [code, setCode] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!code.trim()) {
      setFieldError("Enter a code from your authenticator app, or a recovery code.");
      return;
    }
    setFieldError(undefined);
    await onSubmit(code.trim());
    setCode("");
  };
  return (
    <form className="form panel__form" onSubmit={(event) => void submit(event)} noValidate aria-label={action}>
      <Field id={id} label={label} type="text" autoComplete="one-time-code" value={code} onChange={setCode} error={fieldError} />
      <div className="identity__actions">
        {onCancel && (
          <button type="button" className="button button--secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
        <SubmitButton busy={busy} block={false}>
          {action}
        </SubmitButton>
      </div>
    </form>
  );
}

/** Recovery codes, shown this once: copy them, or download them as a text file. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const asText = `cinepass recovery codes (each works once)\n\n${codes.join("\n")}\n`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(asText);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([asText], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "cinepass-recovery-codes.txt";
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="recovery-codes" data-testid="recovery-codes-panel">
      <p>
        Keep these codes somewhere safe. Each one signs you in once if you lose your phone. This is the only time
        we show them.
      </p>
      <ul className="recovery-codes__list" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="identity__actions">
        <button type="button" className="button button--secondary" onClick={() => void copy()}>
          {copied ? "Copied" : "Copy codes"}
        </button>
        <button type="button" className="button button--secondary" onClick={download}>
          Download codes
        </button>
        <button type="button" className="button button--primary" onClick={onDone}>
          I've saved them
        </button>
      </div>
      <p className="visually-hidden" role="status">
        {copied ? "Recovery codes copied." : ""}
      </p>
    </div>
  );
}
