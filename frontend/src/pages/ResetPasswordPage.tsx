import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import * as api from "../api";
import { useAuth } from "../auth/AuthContext";
import { useLinkToken } from "../auth/linkToken";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { useNotify } from "../toast/Toasts";
import { AuthCard, Field, FormError, NEW_PASSWORD_HINT, SubmitButton } from "./AuthLayout";
import { formErrors, sentence } from "./formErrors";

type FieldName = "password" | "confirm";

/** A link that cannot work (none, used, expired): say so and offer a new one. */
export function DeadLink({ title, message, retryTo, retryLabel }: { title: string; message: string; retryTo: string; retryLabel: string }) {
  return (
    <AuthCard title={title} subtitle="Links we mail work once, for a short while.">
      <FormError message={sentence(message)} />
      <div className="auth__actions">
        <Link className="button button--primary button--block" to={retryTo}>
          {retryLabel}
        </Link>
      </div>
    </AuthCard>
  );
}

/** `/reset-password#token=...`: choose a new password; success signs this browser in. */
export function ResetPasswordPage() {
  useDocumentTitle("Choose a new password");
  const token = useLinkToken();
  const { signedIn, needSecondFactor } = useAuth();
  const navigate = useNavigate();
  const notify = useNotify();
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [rememberMe, setRememberMe] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [deadLink, setDeadLink] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  if (!token || deadLink) {
    return (
      <DeadLink
        title="This link doesn't work"
        message={deadLink ?? "This reset link is incomplete. Open the link from the email again, or ask for a new one."}
        retryTo="/forgot-password"
        retryLabel="Send me a new link"
      />
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting) return;
    const errors: Partial<Record<FieldName, string>> = {};
    if (!password) errors.password = "Choose a new password.";
    if (password && confirm !== password) errors.confirm = "The two passwords are not the same.";
    setFieldErrors(errors);
    setError(null);
    if (Object.keys(errors).length > 0) return;
    setSubmitting(true);
    try {
      const outcome = await api.confirmPasswordReset(token, password, rememberMe);
      if (outcome.kind === "code") {
        // Changed; the sign-in that follows waits for the second factor.
        needSecondFactor();
        navigate("/sign-in?step=code", { replace: true });
        notify("Your password was changed. Enter a code to finish signing in.", "success");
        return;
      }
      signedIn(outcome.user);
      navigate("/", { replace: true });
      notify("Your password was changed and you're signed in. Every other device was signed out.", "success");
    } catch (err) {
      setSubmitting(false);
      const failure = api.asApiError(err);
      // A 400 about anything but the password is about the link: used, expired or mangled.
      if (failure.status === 400 && !failure.details.some((detail) => detail.field === "password")) {
        setDeadLink(failure.message);
        return;
      }
      const shown = formErrors(failure, (field) => (field === "password" ? "password" : null));
      setFieldErrors(shown.fields);
      setError(shown.message);
    }
  };

  return (
    <AuthCard title="Choose a new password" subtitle="You'll be signed in with it, and signed out everywhere else.">
      <FormError message={error} />
      <form className="form" onSubmit={submit} noValidate aria-label="Choose a new password">
        <Field
          id="reset-password"
          label="New password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={fieldErrors.password}
          hint={NEW_PASSWORD_HINT}
          autoFocus
        />
        <Field
          id="reset-confirm"
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={setConfirm}
          error={fieldErrors.confirm}
        />
        <label className="checkbox">
          <input type="checkbox" checked={rememberMe} onChange={(event) => setRememberMe(event.target.checked)} name="rememberMe" />
          <span className="checkbox__box" aria-hidden="true" />
          <span>Remember me</span>
        </label>
        <SubmitButton busy={submitting}>Set new password</SubmitButton>
      </form>
    </AuthCard>
  );
}
