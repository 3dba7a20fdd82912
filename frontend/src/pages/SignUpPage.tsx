import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import * as api from "../api";
import { safeNext } from "../auth/safeNext";
import { useResend } from "../auth/useResend";
import { ResendButton } from "../components/ResendButton";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { AuthCard, Field, FormError, NEW_PASSWORD_HINT, SubmitButton } from "./AuthLayout";
import { formErrors } from "./formErrors";
import { withNext } from "./SignInPage";

type FieldName = "name" | "email" | "password";
type FieldErrors = Partial<Record<FieldName, string>>;

const FIELDS: readonly FieldName[] = ["name", "email", "password"];

function isFieldName(field: string): field is FieldName {
  return (FIELDS as readonly string[]).includes(field);
}

export function SignUpPage() {
  const [sent, setSent] = useState<api.LinkSent | null>(null);
  return sent ? <LinkSentCard sent={sent} /> : <SignUpForm onSent={setSent} />;
}

function SignUpForm({ onSent }: { onSent: (sent: api.LinkSent) => void }) {
  useDocumentTitle("Create account");
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));

  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting) return;
    const errors: FieldErrors = {};
    if (!name.trim()) errors.name = "Enter your name.";
    if (!email.trim()) errors.email = "Enter your email address.";
    else if (!email.includes("@")) errors.email = "Enter an email address like name@example.com.";
    if (!password) errors.password = "Choose a password.";
    setFieldErrors(errors);
    setError(null);
    if (Object.keys(errors).length > 0) return;

    setSubmitting(true);
    try {
      onSent(await api.signUp(name.trim(), email.trim(), password));
    } catch (err) {
      setSubmitting(false);
      const failure = formErrors(api.asApiError(err), (field) => (isFieldName(field) ? field : null));
      setFieldErrors(failure.fields);
      setError(failure.message);
    }
  };

  return (
    <AuthCard title="Create account" subtitle="Build your list of films to watch, on any screen.">
      <FormError message={error} />
      <form className="form" onSubmit={submit} noValidate aria-label="Create account">
        <Field id="sign-up-name" label="Name" type="text" autoComplete="name" value={name} onChange={setName} error={fieldErrors.name} autoFocus />
        <Field id="sign-up-email" label="Email" type="email" autoComplete="email" value={email} onChange={setEmail} error={fieldErrors.email} />
        <Field
          id="sign-up-password"
          label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={fieldErrors.password}
          hint={NEW_PASSWORD_HINT}
        />
        <SubmitButton busy={submitting}>Create account</SubmitButton>
      </form>
      <p className="auth__switch">
        Already have an account? <Link to={withNext("/sign-in", next)}>Sign in</Link>
      </p>
    </AuthCard>
  );
}

/** After sign-up: where the link went, and a way to send it again. */
function LinkSentCard({ sent }: { sent: api.LinkSent }) {
  useDocumentTitle("Check your email");
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const resend = useResend(sent.email);

  return (
    <AuthCard title="Check your email" subtitle="One more step before your list is ready.">
      <p className="form-notice" role="status" data-testid="link-sent">
        {sent.message}
      </p>
      <div role="status" aria-live="polite">
        {resend.sent && <p className="auth__fine-print" data-testid="resend-sent">{resend.sent}</p>}
      </div>
      <FormError message={resend.error} />
      <p className="auth__fine-print">No mail after a few minutes? Check your spam folder, or send the link again.</p>
      <div className="auth__actions">
        <ResendButton resend={resend} className="button button--secondary button--block" />
        <Link className="button button--primary button--block" to={withNext("/sign-in", next)} state={{ email: sent.email }}>
          Sign in
        </Link>
      </div>
    </AuthCard>
  );
}
