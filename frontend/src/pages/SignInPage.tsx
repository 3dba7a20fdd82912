import { useEffect, useState, type FormEvent } from "react";
import { Link, useLocation, useSearchParams } from "react-router";
import * as api from "../api";
import { useAuth } from "../auth/AuthContext";
import type { SignInLocationState } from "../auth/guards";
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  cancelPasskeyRequest,
  passkeyMessage,
  signInWithPasskey,
} from "../auth/passkeys";
import { safeNext } from "../auth/safeNext";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { AuthCard, Field, FormError, SubmitButton } from "./AuthLayout";

const MAX_URL_ERROR_LENGTH = 300;

/** Keeps `?next=` (when it is safe) on links between sign-in and sign-up. */
export function withNext(path: string, next: string): string {
  return next === "/" ? path : `${path}?next=${encodeURIComponent(next)}`;
}

const PASSKEY_FAILED = "We couldn't sign you in with a passkey. Try again, or use your password.";

export function SignInPage() {
  const [params, setParams] = useSearchParams();
  const [step, setStep] = useState<"credentials" | "code">(params.get("step") === "code" ? "code" : "credentials");

  if (step === "code") {
    return (
      <CodeStep
        onRestart={(message) => {
          const rest = new URLSearchParams(params);
          rest.delete("step");
          if (message) rest.set("error", message);
          setParams(rest, { replace: true });
          setStep("credentials");
        }}
      />
    );
  }
  return <CredentialsStep key={params.get("error") ?? ""} onCodeWanted={() => setStep("code")} />;
}

function CredentialsStep({ onCodeWanted }: { onCodeWanted: () => void }) {
  useDocumentTitle("Sign in");
  const { signIn, signedIn } = useAuth();
  const [params] = useSearchParams();
  const location = useLocation();
  const navState = (location.state ?? {}) as SignInLocationState;
  const next = safeNext(params.get("next"));
  const urlError = (params.get("error") ?? "").slice(0, MAX_URL_ERROR_LENGTH);

  const [email, setEmail] = useState(navState.email ?? "");
  const [password, setPassword] = useState("");
  const [rememberMe, setRememberMe] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const [error, setError] = useState<string | null>(urlError || null);
  const [submitting, setSubmitting] = useState(false);
  const [providers, setProviders] = useState<api.Provider[]>([]);
  const [passkeyBusy, setPasskeyBusy] = useState(false);
  // Bumped after a passkey button attempt: the autofill request it replaced starts again.
  const [autofillAttempt, setAutofillAttempt] = useState(0);
  const passkeys = browserSupportsWebAuthn();

  // Conditional UI: the browser offers the user's passkeys in the email field's suggestions.
  useEffect(() => {
    let active = true;
    void browserSupportsWebAuthnAutofill().then((supported) => {
      if (!supported || !active) return;
      signInWithPasskey({ autofill: true })
        .then((user) => {
          if (active) signedIn(user);
        })
        .catch((err: unknown) => {
          // The user asked for nothing until they picked a passkey: only the sign-in that
          // followed their choice may report a failure. The request failing on its own (no
          // WebAuthn on this origin, an IP address; too many requests; a page on its way out)
          // must not replace what the page says, such as a provider's error.
          if (active && err instanceof api.ApiError && err.status === 401) setError(err.message);
        });
    });
    return () => {
      active = false;
      cancelPasskeyRequest();
    };
  }, [signedIn, autofillAttempt]);

  const passkeySignIn = async () => {
    if (passkeyBusy || submitting) return;
    setPasskeyBusy(true);
    setError(null);
    try {
      signedIn(await signInWithPasskey({ rememberMe }));
    } catch (err) {
      setError(passkeyMessage(err, PASSKEY_FAILED));
      setPasskeyBusy(false);
      setAutofillAttempt((n) => n + 1);
    }
  };

  useEffect(() => {
    const controller = new AbortController();
    api
      .getProviders(controller.signal)
      .then(setProviders)
      .catch(() => setProviders([]));
    return () => controller.abort();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting) return;
    const errors: { email?: string; password?: string } = {};
    if (!email.trim()) errors.email = "Enter your email address.";
    else if (!email.includes("@")) errors.email = "Enter an email address like name@example.com.";
    if (!password) errors.password = "Enter your password.";
    setFieldErrors(errors);
    if (errors.email || errors.password) {
      setError(null);
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      // On success the session changes and <PublicOnly> takes the user on to `next`.
      const outcome = await signIn(email.trim(), password, rememberMe);
      if (outcome.kind === "code") onCodeWanted();
    } catch (err) {
      setError(api.asApiError(err).message);
      setPassword("");
      setSubmitting(false);
    }
  };

  const notice = navState.expired ? "Your session ended. Please sign in again." : navState.notice;

  return (
    <AuthCard title="Sign in" subtitle="Welcome back. Your movies are waiting.">
      {notice && !error && (
        <p className="form-notice" role="status" data-testid="form-notice">
          {notice}
        </p>
      )}
      <FormError message={error} />
      <form className="form" onSubmit={submit} noValidate aria-label="Sign in">
        <Field
          id="sign-in-email"
          label="Email"
          type="email"
          autoComplete="username webauthn"
          value={email}
          onChange={setEmail}
          error={fieldErrors.email}
          autoFocus
        />
        <Field
          id="sign-in-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={fieldErrors.password}
        />
        <div className="form__row">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={rememberMe}
              onChange={(event) => setRememberMe(event.target.checked)}
              name="rememberMe"
            />
            <span className="checkbox__box" aria-hidden="true" />
            <span>Remember me</span>
          </label>
          <Link className="auth__link" to="/forgot-password" state={{ email: email.trim() } satisfies SignInLocationState}>
            Forgot password?
          </Link>
        </div>
        <SubmitButton busy={submitting}>Sign in</SubmitButton>
      </form>

      {passkeys && (
        <div className="providers">
          <p className="divider">
            <span>or</span>
          </p>
          <button
            type="button"
            className="button button--secondary button--block"
            aria-busy={passkeyBusy || undefined}
            onClick={() => void passkeySignIn()}
          >
            {passkeyBusy && <span className="spinner spinner--small" aria-hidden="true" />}
            Sign in with a passkey
          </button>
        </div>
      )}

      {providers.length > 0 && (
        <div className="providers" data-testid="providers">
          <p className="divider">
            <span>or</span>
          </p>
          {providers.map((provider) => (
            <a key={provider.id} className="button button--secondary button--block" href={api.providerLoginUrl(provider)}>
              Sign in with {provider.name}
            </a>
          ))}
        </div>
      )}

      <p className="auth__switch">
        New to cinepass? <Link to={withNext("/sign-up", next)}>Create an account</Link>
      </p>
    </AuthCard>
  );
}

/** The second step: a code from the authenticator app, or a recovery code. */
function CodeStep({ onRestart }: { onRestart: (message?: string) => void }) {
  useDocumentTitle("Two-step verification");
  const { signedIn } = useAuth();
  const [code, setCode] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting) return;
    if (!code.trim()) {
      setFieldError("Enter the code from your authenticator app, or a recovery code.");
      return;
    }
    setFieldError(undefined);
    setError(null);
    setSubmitting(true);
    try {
      signedIn(await api.signInWithCode(code.trim()));
    } catch (err) {
      const failure = api.asApiError(err);
      setSubmitting(false);
      setCode("");
      if (failure.status === 401 && failure.message.includes("expired")) {
        onRestart("Your sign-in took too long. Please sign in again.");
        return;
      }
      setError(failure.message);
    }
  };

  return (
    <AuthCard title="Two-step verification" subtitle="Enter the 6-digit code from your authenticator app.">
      <FormError message={error} />
      <form className="form" onSubmit={submit} noValidate aria-label="Verification code">
        <Field
          id="sign-in-code"
          label="Code"
          type="text"
          autoComplete="one-time-code"
          value={code}
          onChange={setCode}
          error={fieldError}
          hint="No phone to hand? Enter one of your recovery codes instead."
          autoFocus
        />
        <SubmitButton busy={submitting}>Verify</SubmitButton>
      </form>
      <p className="auth__switch">
        <button type="button" className="link-button" onClick={() => onRestart()}>
          Start over
        </button>
      </p>
    </AuthCard>
  );
}
