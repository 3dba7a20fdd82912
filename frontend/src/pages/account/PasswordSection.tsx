import { useState, type FormEvent } from "react";
import * as api from "../../api";
import { useAuth } from "../../auth/AuthContext";
import { Field, NEW_PASSWORD_HINT, SubmitButton } from "../AuthLayout";
import { formErrors } from "../formErrors";
import { SectionMessages } from "./SectionMessages";

type FieldName = "current" | "next";

/** Change password: this browser stays signed in, every other one is signed out. */
export function PasswordSection({ onChanged }: { onChanged: () => void }) {
  const { reload, needSecondFactor } = useAuth();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const errors: Partial<Record<FieldName, string>> = {};
    if (!current) errors.current = "Enter your current password.";
    if (!next) errors.next = "Choose a new password.";
    setFieldErrors(errors);
    setError(null);
    setDone(false);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      // The same user, signed in again here: nothing about them changed.
      const outcome = await api.changePassword(current, next);
      if (outcome.kind === "code") {
        // Changed; this browser signs in again with the second factor (sign-in asks for it).
        needSecondFactor();
        return;
      }
      setCurrent("");
      setNext("");
      setDone(true);
      onChanged();
    } catch (err) {
      const failure = api.asApiError(err);
      if (failure.status === 401) {
        // Changed, but this browser could not sign in again: the session is over here too.
        await reload();
        return;
      }
      if (failure.status === 400 && failure.details.length === 0) {
        setFieldErrors({ current: failure.message });
        return;
      }
      const shown = formErrors(failure, (field) =>
        field === "newPassword" ? "next" : field === "currentPassword" ? "current" : null,
      );
      setFieldErrors(shown.fields);
      setError(shown.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="password-title" data-testid="password-section">
      <h2 className="panel__title" id="password-title">
        Password
      </h2>
      <p className="panel__hint">Changing it signs you out on every other device.</p>
      <SectionMessages
        name="password"
        notice={done ? "Your password was changed. Every other device was signed out." : null}
        error={error}
      />
      <form className="form panel__form" onSubmit={submit} noValidate aria-label="Change password">
        <Field
          id="current-password"
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
          error={fieldErrors.current}
        />
        <Field
          id="new-password"
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={setNext}
          error={fieldErrors.next}
          hint={NEW_PASSWORD_HINT}
        />
        <SubmitButton busy={busy} block={false}>Change password</SubmitButton>
      </form>
    </section>
  );
}
