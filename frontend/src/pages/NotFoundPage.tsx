import { Link } from "react-router";
import { Header } from "../components/Header";
import { useDocumentTitle } from "../hooks/useDocumentTitle";

/** The 404 message; also used by the player for an unknown movie. */
export function NotFoundContent({ title = "This page isn't in the catalogue" }: { title?: string }) {
  return (
    <section className="not-found" aria-labelledby="not-found-title" data-testid="not-found">
      <p className="not-found__code" aria-hidden="true">
        404
      </p>
      <h1 className="not-found__title" id="not-found-title">
        {title}
      </h1>
      <p className="not-found__hint">The link may be old, or the address mistyped.</p>
      <Link to="/" className="button button--primary">
        Go to the home page
      </Link>
    </section>
  );
}

/** Any unknown path: with the app header when signed in, on its own otherwise. */
export function NotFoundPage() {
  useDocumentTitle("Page not found");
  return (
    <div className="app">
      <Header />
      <main id="main" className="main">
        <NotFoundContent />
      </main>
    </div>
  );
}
