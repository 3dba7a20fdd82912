import { useEffect, useState } from "react";
import { NavLink } from "react-router";
import { isAdmin } from "../api";
import { useAuth } from "../auth/AuthContext";
import { AccountMenu } from "./AccountMenu";
import { GenresMenu } from "./GenresMenu";
import { Logo } from "./Logo";

/** The top bar: the wordmark home link and, when signed in, the navigation and account menu. */
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
      <div className="header__start">
        <Logo linked />
        {user && (
          <nav className="nav" aria-label="Main">
            <ul className="nav__list">
              <li className="nav__home">
                <NavLink to="/" end className="nav__link">
                  Home
                </NavLink>
              </li>
              <li>
                <NavLink to="/my-list" className="nav__link">
                  My list
                </NavLink>
              </li>
              <li>
                <GenresMenu />
              </li>
              {isAdmin(user) && (
                <li>
                  <NavLink to="/admin" className="nav__link" data-testid="admin-entry">
                    Admin
                  </NavLink>
                </li>
              )}
            </ul>
          </nav>
        )}
      </div>
      <div className="header__end">{user && <AccountMenu />}</div>
    </header>
  );
}
