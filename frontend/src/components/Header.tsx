import { useEffect, useState } from "react";
import { useAuth } from "../auth/AuthContext";
import { AccountMenu } from "./AccountMenu";
import { Logo } from "./Logo";

/** The top bar: the wordmark home link and, when signed in, the account menu. */
export function Header() {
  const { user } = useAuth();
  const [scrolled, setScrolled] = useState(false);

  useEffect(() => {
    const onScroll = () => setScrolled(window.scrollY > 8);
    onScroll();
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => window.removeEventListener("scroll", onScroll);
  }, []);

  return (
    <header className={`header${scrolled ? " header--scrolled" : ""}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Logo linked />
      <div className="header__end">{user && <AccountMenu />}</div>
    </header>
  );
}
