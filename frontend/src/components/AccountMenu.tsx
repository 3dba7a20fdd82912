import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { Link, useNavigate } from "react-router";
import { useMenuDismiss } from "../hooks/useMenuDismiss";
import { ApiError } from "../api";
import { useAuth } from "../auth/AuthContext";
import { useNotify } from "../toast/Toasts";
import { Avatar } from "./Avatar";
import { SignOutIcon, UserIcon } from "./Icons";

/** Location state from the menu: the page should take the focus (see AccountPage). */
export interface FocusHeadingState {
  focusHeading?: boolean;
}

/** Arrow keys, Home and End move between the menu's items (the WAI-ARIA menu pattern). */
function moveFocus(menu: HTMLElement, event: ReactKeyboardEvent) {
  const items = Array.from(menu.querySelectorAll<HTMLElement>('[role="menuitem"]'));
  if (items.length === 0) return;
  const current = items.indexOf(document.activeElement as HTMLElement);
  let next: number;
  switch (event.key) {
    case "ArrowDown":
      next = current < 0 ? 0 : (current + 1) % items.length;
      break;
    case "ArrowUp":
      next = current < 0 ? items.length - 1 : (current - 1 + items.length) % items.length;
      break;
    case "Home":
      next = 0;
      break;
    case "End":
      next = items.length - 1;
      break;
    default:
      return;
  }
  event.preventDefault();
  items[next]?.focus();
}

/** The avatar button and its menu (the user's name and email, "Account", "Sign out"). */
export function AccountMenu() {
  const { user, signOut } = useAuth();
  const notify = useNotify();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const menuId = useId();
  const wrapper = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const firstItem = useRef<HTMLAnchorElement>(null);

  const close = useCallback(() => setOpen(false), []);
  const onBlur = useMenuDismiss(open, close, wrapper, trigger);
  useEffect(() => {
    if (open) firstItem.current?.focus();
  }, [open]);

  if (!user) return null;

  const onSignOut = async () => {
    setBusy(true);
    try {
      const { finished } = await signOut();
      navigate("/sign-in", { replace: true });
      if (!finished) {
        notify(
          "You're signed out on this device. The server couldn't be reached to end the session; it will as soon as it is back.",
          "info",
        );
      }
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
      onBlur={onBlur}
    >
      <button
        ref={trigger}
        type="button"
        className="account__trigger"
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
        {/* Named by its text, not an aria-label: what is seen (the initials) stays in the name. */}
        <Avatar name={user.name} email={user.email} seed={user.id || user.email} />
        <span className="visually-hidden">Account menu</span>
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
          <div
            role="menu"
            id={menuId}
            aria-label="Account"
            className="account__menu"
            onKeyDown={(event) => moveFocus(event.currentTarget, event)}
          >
            <Link
              ref={firstItem}
              to="/account"
              state={{ focusHeading: true } satisfies FocusHeadingState}
              role="menuitem"
              className="account__item"
              onClick={() => setOpen(false)}
            >
              <UserIcon />
              Account
            </Link>
            <button
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
