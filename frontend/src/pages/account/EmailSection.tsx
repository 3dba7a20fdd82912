import { useState, type FormEvent } from "react";
import * as api from "../../api";
import { Field, SubmitButton } from "../AuthLayout";
import { formErrors, sentence } from "../formErrors";
import { SectionMessages } from "./SectionMessages";

type FieldName = "email" | "password";

/** Change email: a link goes to the new address (the account moves once it is opened). */
export function EmailSection({ email }: { email: string }) {
  const [next, setNext] = useState("");
  const [password, setPassword] = useState("");
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const address = next.trim();
    const errors: Partial<Record<FieldName, string>> = {};
    if (!address) errors.email = "Enter the new email address.";
    else if (!address.includes("@")) errors.email = "Enter an email address like name@example.com.";
    if (!password) errors.password = "Enter your current password.";
    setFieldErrors(errors);
    setError(null);
    setSent(null);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      setSent(sentence(await api.changeEmail(address, password)));
      setNext("");
      setPassword("");
    } catch (err) {
      const shown = formErrors(api.asApiError(err), (field) =>
        field === "email" ? "email" : field === "password" ? "password" : null,
      );
      setFieldErrors(shown.fields);
      setError(shown.message);
      setPassword("");
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="email-title" data-testid="email-section">
      <h2 className="panel__title" id="email-title">
        Email
      </h2>
      <p className="panel__hint">
        Your address is <strong className="panel__value">{email}</strong>. To change it, we send a link to the new
        one; it becomes your address once you open it.
      </p>
      <SectionMessages name="email" notice={sent} error={error} />
      <form className="form panel__form" onSubmit={submit} noValidate aria-label="Change email">
        <Field id="new-email" label="New email" type="email" autoComplete="email" value={next} onChange={setNext} error={fieldErrors.email} />
        <Field
          id="email-password"
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={fieldErrors.password}
        />
        <SubmitButton busy={busy} block={false}>Send confirmation link</SubmitButton>
      </form>
    </section>
  );
}
