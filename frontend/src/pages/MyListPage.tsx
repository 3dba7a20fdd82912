import { Link } from "react-router";
import { ErrorState } from "../components/ErrorState";
import { MovieGrid } from "../components/MovieGrid";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { useMyList } from "../myList/MyListContext";
import "../styles/home.css";

/** The signed-in user's list on a page of its own (`/my-list`). */
export function MyListPage() {
  const myList = useMyList();
  useDocumentTitle("My list");
  const movies = myList.entries.map((entry) => entry.movie);
  const loading = myList.status === "loading" || myList.status === "idle";

  return (
    <section className="results genre" aria-labelledby="my-list-title" data-testid="my-list-page">
      <div className="results__header">
        <h1 className="results__title genre__title" id="my-list-title">
          My list
        </h1>
        {myList.status === "ready" && movies.length > 0 && (
          <p className="results__count">
            {movies.length} {movies.length === 1 ? "film" : "films"}
          </p>
        )}
      </div>
      {myList.status === "error" ? (
        <ErrorState
          title="We couldn't load your list"
          message={myList.error?.message ?? "The list failed to load."}
          onRetry={myList.reload}
        />
      ) : myList.status === "ready" && movies.length === 0 ? (
        <div className="empty-state">
          <p className="empty-state__title">Your list is empty.</p>
          <p className="empty-state__hint">
            Use the <strong>+</strong> button on any poster to keep a film here. <Link to="/">Browse films</Link>
          </p>
        </div>
      ) : (
        <MovieGrid movies={movies} loading={loading} />
      )}
    </section>
  );
}
