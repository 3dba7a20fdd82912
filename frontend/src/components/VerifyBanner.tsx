import { useEffect } from "react";
import { useAuth } from "../auth/AuthContext";
import { useResend } from "../auth/useResend";
import { AlertIcon } from "./Icons";
import { ResendButton } from "./ResendButton";

/** "Confirm your email": for a signed-in user whose address is not proved yet. */
export function VerifyBanner() {
  const { user, reload } = useAuth();
  const unverified = user?.emailVerified === false;
  const resend = useResend();

  // The link is often opened in another tab: coming back here reads the session again.
  useEffect(() => {
    if (!unverified) return;
    const onVisible = () => {
      if (document.visibilityState === "visible") void reload();
    };
    document.addEventListener("visibilitychange", onVisible);
    window.addEventListener("focus", onVisible);
    return () => {
      document.removeEventListener("visibilitychange", onVisible);
      window.removeEventListener("focus", onVisible);
    };
  }, [unverified, reload]);

  if (!user || !unverified) return null;
  return (
    <aside className="banner" aria-label="Confirm your email" data-testid="verify-banner">
      <AlertIcon />
      <p className="banner__text">
        {resend.sent ?? (
          <>
            Confirm your email <strong>{user.email}</strong>: open the link we sent you.
          </>
        )}
        {resend.error && <span className="banner__error"> {resend.error}</span>}
      </p>
      <ResendButton resend={resend} className="button button--secondary button--small" />
    </aside>
  );
}
