import type { ReactElement } from "react";
import { NavLink, Navigate, Route, Routes } from "react-router";
import { isAdmin } from "../api";
import { useAuth } from "../auth/AuthContext";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import "../styles/account.css";
import "./admin.css";
import { ApiKeysSection } from "./ApiKeysSection";
import { AuditSection } from "./AuditSection";
import { MoviesSection } from "./MoviesSection";
import { UsersSection } from "./UsersSection";

const SECTIONS = [
  { path: "movies", label: "Movies" },
  { path: "users", label: "Users" },
  { path: "api-keys", label: "API keys" },
  { path: "audit", label: "Audit log" },
] as const;

/** The admin console (`/admin/*`), loaded only when visited: one section per tab. */
export default function AdminArea() {
  const { user } = useAuth();
  if (!isAdmin(user)) return <NotAllowed />;
  return (
    <div className="account-page admin-page">
      <h1 className="account-page__title" id="admin-title">
        Admin
      </h1>
      <nav className="admin-tabs" aria-label="Admin sections">
        <ul className="admin-tabs__list">
          {SECTIONS.map((section) => (
            <li key={section.path}>
              <NavLink to={`/admin/${section.path}`} className="admin-tabs__link">
                {section.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Routes>
        <Route index element={<Navigate to="movies" replace />} />
        <Route path="movies" element={<Titled page="Movies" element={<MoviesSection />} />} />
        <Route path="users" element={<Titled page="Users" element={<UsersSection />} />} />
        <Route path="api-keys" element={<Titled page="API keys" element={<ApiKeysSection />} />} />
        <Route path="audit" element={<Titled page="Audit log" element={<AuditSection />} />} />
        <Route path="*" element={<Navigate to="movies" replace />} />
      </Routes>
    </div>
  );
}

function Titled({ page, element }: { page: string; element: ReactElement }) {
  useDocumentTitle(`${page} · Admin`);
  return element;
}

/** What a signed-in user who is not an admin sees at /admin: no console, and why. */
function NotAllowed() {
  useDocumentTitle("Not allowed");
  return (
    <div className="account-page admin-page" data-testid="admin-not-allowed">
      <h1 className="account-page__title">Not allowed</h1>
      <p className="panel__hint">The admin console is for administrators. Your account can't open it.</p>
      <p>
        <NavLink to="/" className="button button--secondary">
          Back to home
        </NavLink>
      </p>
    </div>
  );
}
