import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "../api";

/** How long the Resend button rests after a link went out. */
const COOLDOWN_MS = 30_000;

export interface Resend {
  send: () => Promise<void>;
  busy: boolean;
  /** True for a while after a link was sent: one more would only crowd the inbox. */
  resting: boolean;
  sent: string | null;
  error: string | null;
}

/** Sends a new confirmation link to `email`, or to the signed-in user's address when undefined. */
export function useResend(email?: string): Resend {
  const [busy, setBusy] = useState(false);
  const [resting, setResting] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | null>(null);

  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    },
    [],
  );

  const send = useCallback(async () => {
    if (busy || resting) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.resendVerification(email);
      setSent(result.message);
      setResting(true);
      timer.current = window.setTimeout(() => setResting(false), COOLDOWN_MS);
    } catch (err) {
      setSent(null);
      setError(api.asApiError(err).message);
    } finally {
      setBusy(false);
    }
  }, [busy, resting, email]);

  return { send, busy, resting, sent, error };
}
