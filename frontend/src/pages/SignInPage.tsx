import { useEffect, useState, type FormEvent } from "react";
import { Link, useLocation, useSearchParams } from "react-router";
import * as api from "../api";
import { useAuth } from "../auth/AuthContext";
import type { SignInLocationState } from "../auth/guards";
import { safeNext } from "../auth/safeNext";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { AuthCard, Field, FormError, SubmitButton } from "./AuthLayout";

const MAX_URL_ERROR_LENGTH = 300;

/** Keeps `?next=` (when it is safe) on links between sign-in and sign-up. */
export function withNext(path: string, next: string): string {
  return next === "/" ? path : `${path}?next=${encodeURIComponent(next)}`;
}

export function SignInPage() {
  useDocumentTitle("Sign in");
  const { signIn } = useAuth();
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
      await signIn(email.trim(), password, rememberMe);
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
          autoComplete="username"
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
