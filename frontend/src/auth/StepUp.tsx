import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import * as api from "../api";
import { Field, FormError, SubmitButton } from "../pages/AuthLayout";
import "../styles/dialog.css";
import { browserSupportsWebAuthn, passkeyCancelled, passkeyMessage, signInWithPasskey } from "./passkeys";

interface Pending {
  promise: Promise<boolean>;
  resolve: (confirmed: boolean) => void;
}

/**
 * Step-up: any request the server refuses with 403 `insufficient_user_authentication` opens the
 * "Confirm it's you" dialog; once the user signed in again, the request is sent again.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pending = useRef<Pending | null>(null);

  useEffect(
    () =>
      api.onStepUp(() => {
        // Requests refused together share one dialog.
        if (!pending.current) {
          let resolve: (confirmed: boolean) => void = () => undefined;
          const promise = new Promise<boolean>((done) => {
            resolve = done;
          });
          pending.current = { promise, resolve };
          setOpen(true);
        }
        return pending.current.promise;
      }),
    [],
  );

  const finish = (confirmed: boolean) => {
    pending.current?.resolve(confirmed);
    pending.current = null;
    setOpen(false);
  };

  return (
    <>
      {children}
      {open && <StepUpDialog onDone={finish} />}
    </>
  );
}

const PASSKEY_FAILED = "We couldn't confirm it's you with a passkey. Try again, or use your password.";

function StepUpDialog({ onDone }: { onDone: (confirmed: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [step, setStep] = useState<"password" | "code">("password");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const run = async (action: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(api.asApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const submitPassword = (event: FormEvent) => {
    event.preventDefault();
    if (!password) {
      setFieldError("Enter your password.");
      return;
    }
    setFieldError(undefined);
    void run(async () => {
      try {
        const outcome = await api.reauthenticate(password);
        if (outcome.kind === "code") {
          setStep("code");
          return;
        }
      } finally {
        setPassword("");
      }
      onDone(true);
    });
  };

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    if (!code.trim()) {
      setFieldError("Enter the code from your authenticator app, or a recovery code.");
      return;
    }
    setFieldError(undefined);
    void run(async () => {
      try {
        await api.signInWithCode(code.trim());
      } catch (err) {
        setCode("");
        const failure = api.asApiError(err);
        if (failure.status === 401 && failure.message.includes("expired")) setStep("password");
        throw failure;
      }
      onDone(true);
    });
  };

  const usePasskey = () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    signInWithPasskey({ reauthenticate: true })
      .then(() => onDone(true))
      .catch((err: unknown) => {
        setError(passkeyCancelled(err) && !(err instanceof api.ApiError) ? null : passkeyMessage(err, PASSKEY_FAILED));
        setBusy(false);
      });
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="step-up-title"
      aria-describedby="step-up-description"
      data-testid="step-up-dialog"
      onCancel={(event) => {
        event.preventDefault();
        onDone(false);
      }}
    >
      <h2 className="dialog__title" id="step-up-title">
        Confirm it's you
      </h2>
      <p className="dialog__text" id="step-up-description">
        {step === "password"
          ? "This change needs a recent sign-in. Enter your password, or use a passkey."
          : "Enter the 6-digit code from your authenticator app, or a recovery code."}
      </p>
      <FormError message={error} />
      {step === "password" ? (
        <form className="form" onSubmit={submitPassword} noValidate aria-label="Confirm with your password">
          <Field
            id="step-up-password"
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            error={fieldError}
            autoFocus
          />
          <div className="dialog__actions">
            <button type="button" className="button button--secondary" onClick={() => onDone(false)}>
              Cancel
            </button>
            <SubmitButton busy={busy} block={false}>
              Confirm
            </SubmitButton>
          </div>
          {browserSupportsWebAuthn() && (
            <>
              <p className="divider">
                <span>or</span>
              </p>
              <button
                type="button"
                className="button button--secondary button--block"
                onClick={usePasskey}
                aria-busy={busy || undefined}
              >
                Use a passkey
              </button>
            </>
          )}
        </form>
      ) : (
        <form className="form" onSubmit={submitCode} noValidate aria-label="Confirm with a code">
          <Field
            id="step-up-code"
            label="Code"
            type="text"
            autoComplete="one-time-code"
            value={code}
            onChange={setCode}
            error={fieldError}
            autoFocus
          />
          <div className="dialog__actions">
            <button type="button" className="button button--secondary" onClick={() => onDone(false)}>
              Cancel
            </button>
            <SubmitButton busy={busy} block={false}>
              Confirm
            </SubmitButton>
          </div>
        </form>
      )}
    </dialog>
  );
}
