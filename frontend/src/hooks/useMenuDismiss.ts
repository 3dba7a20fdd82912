import { useEffect, type FocusEvent, type RefObject } from "react";

/**
 * Closes an open menu when the pointer goes down outside it, when focus leaves it (the returned
 * handler is the wrapper's onBlur), or on Escape (focus then returns to the button that opened
 * it): one behaviour for every menu of the header.
 */
export function useMenuDismiss(
  open: boolean,
  close: () => void,
  wrapper: RefObject<HTMLElement | null>,
  trigger: RefObject<HTMLElement | null>,
): (event: FocusEvent) => void {
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) close();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        close();
        trigger.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [open, close, wrapper, trigger]);
  return (event: FocusEvent) => {
    if (open && !wrapper.current?.contains(event.relatedTarget as Node | null)) close();
  };
}
