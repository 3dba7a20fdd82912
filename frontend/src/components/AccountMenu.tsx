import { useEffect, useId, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { ApiError } from "../api";
import { useAuth } from "../auth/AuthContext";
import { useNotify } from "../toast/Toasts";
import { Avatar } from "./Avatar";
import { SignOutIcon } from "./Icons";

/** The avatar button and its menu (the user's name and email, "Sign out"). */
export function AccountMenu() {
  const { user, signOut } = useAuth();
  const notify = useNotify();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const menuId = useId();
  const wrapper = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const firstItem = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    firstItem.current?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        trigger.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [open]);

  if (!user) return null;

  const onSignOut = async () => {
    setBusy(true);
    try {
      await signOut();
      navigate("/sign-in", { replace: true });
    } catch (error) {
      setBusy(false);
      notify(
        `Couldn't sign you out: ${error instanceof ApiError ? error.message : "please try again."}`,
        "error",
      );
    }
  };

  return (
    <div
      className="account"
      ref={wrapper}
      onBlur={(event) => {
        if (open && !wrapper.current?.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={trigger}
        type="button"
        className="account__trigger"
        aria-label="Account menu"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((value) => !value)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
        data-testid="avatar"
      >
        <Avatar name={user.name} email={user.email} seed={user.id || user.email} />
      </button>
      {open && (
        <div className="account__popover">
          <div className="account__who">
            <Avatar name={user.name} email={user.email} seed={user.id || user.email} size="lg" />
            <div className="account__names">
              <p className="account__name">{user.name}</p>
              <p className="account__email">{user.email}</p>
            </div>
          </div>
          <div role="menu" id={menuId} aria-label="Account" className="account__menu">
            <button
              ref={firstItem}
              type="button"
              role="menuitem"
              className="account__item"
              aria-disabled={busy || undefined}
              onClick={() => {
                if (!busy) void onSignOut();
              }}
            >
              <SignOutIcon />
              {busy ? "Signing out…" : "Sign out"}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
