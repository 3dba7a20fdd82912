import type { Resend } from "../auth/useResend";

/** "Resend link": busy while sending, then resting a while ("Link sent"). */
export function ResendButton({ resend, label = "Resend link", className }: { resend: Resend; label?: string; className: string }) {
  return (
    <button
      type="button"
      className={className}
      onClick={() => void resend.send()}
      aria-busy={resend.busy || undefined}
      disabled={resend.resting}
    >
      {resend.busy && <span className="spinner spinner--small" aria-hidden="true" />}
      {resend.resting ? "Link sent" : label}
    </button>
  );
}
