import type { HTMLInputTypeAttribute, ReactNode } from "react";
import { Outlet } from "react-router";
import { AlertIcon } from "../components/Icons";
import { Logo } from "../components/Logo";
import "../styles/auth.css";

/** Sign-in and sign-up: the wordmark over a centred card, no app header. */
export function AuthLayout() {
  return (
    <div className="auth">
      <div className="auth__glow" aria-hidden="true" />
      <header className="auth__header">
        <Logo linked />
      </header>
      <main className="auth__main" id="main">
        <Outlet />
      </main>
    </div>
  );
}

export function AuthCard({ title, subtitle, children }: { title: string; subtitle: string; children: ReactNode }) {
  return (
    <section className="auth-card" aria-labelledby="auth-title">
      <h1 className="auth-card__title" id="auth-title">
        {title}
      </h1>
      <p className="auth-card__subtitle">{subtitle}</p>
      {children}
    </section>
  );
}

/** What a new password must be, as the server checks it. */
export const NEW_PASSWORD_HINT = "8 to 128 characters. Very common passwords are refused.";

interface FieldProps {
  id: string;
  label: string;
  type: HTMLInputTypeAttribute;
  value: string;
  onChange: (value: string) => void;
  autoComplete: string;
  error?: string | undefined;
  hint?: string;
  autoFocus?: boolean;
}

/** A labelled input whose error and hint are tied to it for screen readers. */
export function Field({ id, label, type, value, onChange, autoComplete, error, hint, autoFocus }: FieldProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="field__input"
        type={type}
        name={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        autoComplete={autoComplete}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        autoFocus={autoFocus}
        spellCheck={false}
        autoCapitalize={type === "email" || type === "password" ? "none" : undefined}
      />
      {error && (
        <p className="field__error" id={errorId} data-testid={`${id}-error`}>
          {error}
        </p>
      )}
      {hint && !error && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** A form's failure that belongs to no single field, announced as it appears. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="form-error" role="alert" data-testid="form-error">
      <AlertIcon />
      <p>{message}</p>
    </div>
  );
}

/** A form's submit button, showing a spinner while the request runs. */
export function SubmitButton({ busy, block = true, children }: { busy: boolean; block?: boolean; children: ReactNode }) {
  return (
    <button type="submit" className={`button button--primary${block ? " button--block" : ""}`} aria-busy={busy || undefined}>
      {busy && <span className="spinner spinner--small" aria-hidden="true" />}
      {children}
    </button>
  );
}
