import { useState, type FormEvent } from "react";
import { Link, useLocation } from "react-router";
import * as api from "../api";
import type { SignInLocationState } from "../auth/guards";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { AuthCard, Field, FormError, SubmitButton } from "./AuthLayout";

/** "Forgot password?": an address in, a reset link out (the answer never says if it has an account). */
export function ForgotPasswordPage() {
  useDocumentTitle("Reset your password");
  const location = useLocation();
  const [email, setEmail] = useState(((location.state ?? {}) as SignInLocationState).email ?? "");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [sent, setSent] = useState<api.LinkSent | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting) return;
    const address = email.trim();
    const problem = !address
      ? "Enter your email address."
      : !address.includes("@")
        ? "Enter an email address like name@example.com."
        : undefined;
    setFieldError(problem);
    setError(null);
    if (problem) return;
    setSubmitting(true);
    try {
      setSent(await api.requestPasswordReset(address));
    } catch (err) {
      const failure = api.asApiError(err);
      const onEmail = failure.details.find((detail) => detail.field === "email");
      setFieldError(onEmail?.message);
      setError(onEmail ? null : failure.message);
    } finally {
      setSubmitting(false);
    }
  };

  if (sent) {
    return (
      <AuthCard title="Check your email" subtitle="Follow the link to choose a new password.">
        <p className="form-notice" role="status" data-testid="link-sent">
          {sent.message}
        </p>
        <p className="auth__fine-print">No mail? Check your spam folder, or make sure you typed the address you signed up with.</p>
        <div className="auth__actions">
          <button type="button" className="button button--secondary button--block" onClick={() => setSent(null)}>
            Use another address
          </button>
          <Link className="button button--primary button--block" to="/sign-in" state={{ email: sent.email } satisfies SignInLocationState}>
            Back to sign in
          </Link>
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Reset your password" subtitle="Enter your account's email and we'll send you a link to choose a new password.">
      <FormError message={error} />
      <form className="form" onSubmit={submit} noValidate aria-label="Reset your password">
        <Field
          id="forgot-email"
          label="Email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={setEmail}
          error={fieldError}
          autoFocus
        />
        <SubmitButton busy={submitting}>Send reset link</SubmitButton>
      </form>
      <p className="auth__switch">
        Remembered it? <Link to="/sign-in">Sign in</Link>
      </p>
    </AuthCard>
  );
}
