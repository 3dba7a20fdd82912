import { Link } from "react-router";

/** The wordmark; a link home when `linked`. */
export function Logo({ linked = false }: { linked?: boolean }) {
  const mark = (
    <>
      <svg className="logo__mark" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
        <rect x="2.5" y="2.5" width="19" height="19" rx="5" fill="none" stroke="currentColor" strokeWidth="2" />
        <path d="M10 8v8l6-4z" fill="currentColor" />
      </svg>
      <span className="logo__text">cinepass</span>
    </>
  );
  return linked ? (
    <Link to="/" className="logo" aria-label="cinepass home">
      {mark}
    </Link>
  ) : (
    <span className="logo">{mark}</span>
  );
}
