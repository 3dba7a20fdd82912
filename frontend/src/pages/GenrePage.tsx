import { useParams } from "react-router";
import { ErrorState } from "../components/ErrorState";
import { MovieGrid } from "../components/MovieGrid";
import { formatTag } from "../format";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { useMovies } from "../hooks/useMovies";
import "../styles/home.css";

const PAGE_SIZE = 24;

/** Every film of one genre (`/genres/:tag`), a page at a time with the API's cursor. */
export function GenrePage() {
  const { tag = "" } = useParams();
  const name = formatTag(tag);
  const films = useMovies({ tags: [tag], limit: PAGE_SIZE });
  useDocumentTitle(name);

  return (
    <section className="results genre" aria-labelledby="genre-title" data-testid="genre-page">
      <div className="results__header">
        <h1 className="results__title genre__title" id="genre-title">
          {name}
        </h1>
        {films.status === "ready" && films.movies.length > 0 && (
          <p className="results__count" aria-live="polite" data-testid="genre-count">
            {films.movies.length}
            {films.next ? "+" : ""} {films.movies.length === 1 && !films.next ? "film" : "films"}
          </p>
        )}
      </div>

      {films.status === "error" ? (
        <ErrorState
          title="We couldn't load this genre"
          message={films.error?.message ?? "The list failed to load."}
          onRetry={films.retry}
        />
      ) : films.status === "ready" && films.movies.length === 0 ? (
        <div className="empty-state" role="status">
          <p className="empty-state__title">No films in “{name}” yet.</p>
        </div>
      ) : (
        <MovieGrid
          movies={films.movies}
          loading={films.status === "loading" || films.loadingMore}
          skeletons={films.loadingMore ? 6 : 12}
        />
      )}

      {films.moreError && <ErrorState compact message={films.moreError.message} onRetry={films.loadMore} />}
      {films.status === "ready" && films.next && !films.loadingMore && !films.moreError && (
        <div className="results__more">
          <button type="button" className="button button--secondary" onClick={films.loadMore}>
            More {name.toLocaleLowerCase()} films
          </button>
        </div>
      )}
    </section>
  );
}
