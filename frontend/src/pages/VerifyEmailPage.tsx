import { useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import * as api from "../api";
import { useAuth } from "../auth/AuthContext";
import type { SignInLocationState } from "../auth/guards";
import { useLinkToken } from "../auth/linkToken";
import { useResend } from "../auth/useResend";
import { ResendButton } from "../components/ResendButton";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { useNotify } from "../toast/Toasts";
import { AuthCard, FormError } from "./AuthLayout";
import { sentence } from "./formErrors";
import { DeadLink } from "./ResetPasswordPage";

type Outcome = { status: "checking" } | { status: "failed"; message: string; offerResend: boolean };

/**
 * `/verify-email#token=...`: the address is confirmed and this browser signed in as its owner,
 * whether or not it was signed in before (and as whom).
 */
export function VerifyEmailPage() {
  useDocumentTitle("Confirm your email");
  const token = useLinkToken();
  const { state, user, reload } = useAuth();
  const settled = state.status !== "loading";
  const navigate = useNavigate();
  const notify = useNotify();
  const [outcome, setOutcome] = useState<Outcome>({ status: "checking" });
  const sent = useRef(false);
  const before = useRef(user);
  before.current = user;

  useEffect(() => {
    // Once: a token works only once, and a second post would report the first one's success as
    // a failure. After the session is read: its request must not race the new cookie.
    if (!token || sent.current || !settled) return;
    sent.current = true;
    api
      .verifyEmail(token)
      .then(async (verified) => {
        const previous = before.current;
        const now = await reload();
        notify(`Email confirmed: ${verified.email} is your address.`, "success");
        if (!now) {
          const state: SignInLocationState = { notice: "Email confirmed. Sign in to continue.", email: verified.email };
          navigate("/sign-in", { replace: true, state });
          return;
        }
        // A new address confirmed from the account page goes back there.
        navigate(previous?.id === now.id && previous.email !== now.email ? "/account" : "/", { replace: true });
      })
      .catch((err: unknown) => {
        const failure = api.asApiError(err);
        setOutcome({ status: "failed", message: failure.message, offerResend: failure.status === 400 });
      });
  }, [token, settled, reload, navigate, notify]);

  if (!token) {
    return (
      <DeadLink
        title="This link doesn't work"
        message="This confirmation link is incomplete. Open the link from the email again."
        retryTo="/"
        retryLabel="Go to cinepass"
      />
    );
  }
  if (outcome.status === "failed") return <VerifyFailed message={outcome.message} offerResend={outcome.offerResend} />;
  return (
    <AuthCard title="Confirming your email" subtitle="This takes a moment.">
      <div className="auth__progress" aria-busy="true">
        <div className="spinner" role="status" aria-label="Confirming your email" />
      </div>
    </AuthCard>
  );
}

function VerifyFailed({ message, offerResend }: { message: string; offerResend: boolean }) {
  const { user } = useAuth();
  const resend = useResend();
  const canResend = offerResend && user !== null && user.emailVerified === false;
  return (
    <AuthCard title="We couldn't confirm your email" subtitle="Links we mail work once, for a short while.">
      <FormError message={sentence(message)} />
      <div role="status">{resend.sent && <p className="form-notice">{resend.sent}</p>}</div>
      {resend.error && <p className="field__error">{resend.error}</p>}
      <div className="auth__actions">
        {canResend && (
          <ResendButton resend={resend} className="button button--secondary button--block" label="Send me a new link" />
        )}
        {user ? (
          <Link className="button button--primary button--block" to="/">
            Go to cinepass
          </Link>
        ) : (
          <Link className="button button--primary button--block" to="/sign-in" state={{ notice: "Sign in to send yourself a new link." } satisfies SignInLocationState}>
            Sign in
          </Link>
        )}
      </div>
    </AuthCard>
  );
}
