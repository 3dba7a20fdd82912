import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { CloseIcon } from "../components/Icons";
import "./toasts.css";

type ToastKind = "info" | "success" | "error";

interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

type Notify = (message: string, kind?: ToastKind) => void;

const ToastContext = createContext<Notify | null>(null);

const LIFETIME_MS = 6000;

/**
 * Messages after background actions. `info` (My list changes) is only announced to screen readers
 * (the button and the row already show it); `success` (after a page that is gone, such as a reset
 * link's) and failures also appear as a visible toast.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [announcement, setAnnouncement] = useState<Toast | null>(null);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const notify = useCallback<Notify>(
    (message, kind = "info") => {
      const id = nextId.current++;
      if (kind === "info") {
        setAnnouncement({ id, kind, message });
        return;
      }
      setToasts((current) => [...current.slice(-2), { id, kind, message }]);
      window.setTimeout(() => dismiss(id), LIFETIME_MS);
    },
    [dismiss],
  );

  const value = useMemo(() => notify, [notify]);

  return (
    <ToastContext.Provider value={value}>
      {children}
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
        {announcement && <span key={announcement.id}>{announcement.message}</span>}
      </p>
      <div className="toasts" role="alert" aria-live="assertive" data-testid="toasts">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast--${toast.kind}`}>
            <p className="toast__message">{toast.message}</p>
            <button
              type="button"
              className="icon-button toast__close"
              aria-label="Dismiss message"
              onClick={() => dismiss(toast.id)}
            >
              <CloseIcon />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useNotify(): Notify {
  const notify = useContext(ToastContext);
  if (!notify) throw new Error("useNotify() must be used inside <ToastProvider>");
  return notify;
}
