import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import * as api from "../api";
import type { SignInLocationState } from "../auth/guards";
import { safeNext } from "../auth/safeNext";
import { AlertIcon } from "../components/Icons";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { AuthCard, Field } from "./AuthLayout";
import { withNext } from "./SignInPage";

type FieldName = "name" | "email" | "password";
type FieldErrors = Partial<Record<FieldName, string>>;

const FIELDS: readonly FieldName[] = ["name", "email", "password"];

function isFieldName(field: string): field is FieldName {
  return (FIELDS as readonly string[]).includes(field);
}

/** "password: too short" -> "Password is too short." style: the server's words, a field's voice. */
function sentence(message: string): string {
  const trimmed = message.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

export function SignUpPage() {
  useDocumentTitle("Create account");
  const navigate = useNavigate();
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
      const message = await api.signUp(name.trim(), email.trim(), password);
      const state: SignInLocationState = { notice: message, email: email.trim() };
      navigate(withNext("/sign-in", next), { state });
    } catch (err) {
      setSubmitting(false);
      const failure = api.asApiError(err);
      const perField: FieldErrors = {};
      const others: string[] = [];
      for (const detail of failure.details) {
        if (isFieldName(detail.field) && !perField[detail.field]) perField[detail.field] = sentence(detail.message);
        else others.push(sentence(`${detail.field}: ${detail.message}`));
      }
      setFieldErrors(perField);
      const hasFieldErrors = Object.keys(perField).length > 0;
      setError(hasFieldErrors && others.length === 0 ? null : [failure.message, ...others].join(" "));
    }
  };

  return (
    <AuthCard title="Create account" subtitle="Build your list of films to watch, on any screen.">
      {error && (
        <div className="form-error" role="alert" data-testid="form-error">
          <AlertIcon />
          <p>{error}</p>
        </div>
      )}
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
          hint="8 to 128 characters. Very common passwords are refused."
        />
        <button type="submit" className="button button--primary button--block" aria-busy={submitting || undefined}>
          {submitting && <span className="spinner spinner--small" aria-hidden="true" />}
          Create account
        </button>
      </form>
      <p className="auth__switch">
        Already have an account? <Link to={withNext("/sign-in", next)}>Sign in</Link>
      </p>
    </AuthCard>
  );
}
