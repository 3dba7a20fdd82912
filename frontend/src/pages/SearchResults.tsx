import { ErrorState } from "../components/ErrorState";
import { MovieGrid } from "../components/MovieGrid";
import { useMovies } from "../hooks/useMovies";

const PAGE_SIZE = 24;

/** The grid of movies matching `q`, with "Show more" while the API has a next page. */
export function SearchResults({ q }: { q: string }) {
  const results = useMovies({ q, limit: PAGE_SIZE });

  return (
    <section className="results" aria-labelledby="results-title" data-testid="search-results">
      <div className="results__header">
        <h2 className="results__title" id="results-title">
          Results for “{q}”
        </h2>
        {results.status === "ready" && results.movies.length > 0 && (
          <p className="results__count" aria-live="polite">
            {results.movies.length}
            {results.next ? "+" : ""} {results.movies.length === 1 && !results.next ? "movie" : "movies"}
          </p>
        )}
      </div>

      {results.status === "error" ? (
        <ErrorState
          title="Search isn't working right now"
          message={results.error?.message ?? "The search failed."}
          onRetry={results.retry}
        />
      ) : results.status === "ready" && results.movies.length === 0 ? (
        <div className="empty-state" role="status">
          <p className="empty-state__title">No movies match “{q}”.</p>
          <p className="empty-state__hint">Check the spelling, or try a shorter title or another word.</p>
        </div>
      ) : (
        <MovieGrid movies={results.movies} loading={results.status === "loading" || results.loadingMore} skeletons={results.loadingMore ? 6 : 12} />
      )}

      {results.moreError && (
        <ErrorState compact message={results.moreError.message} onRetry={results.loadMore} />
      )}
      {results.status === "ready" && results.next && !results.loadingMore && !results.moreError && (
        <div className="results__more">
          <button type="button" className="button button--secondary" onClick={results.loadMore}>
            Show more
          </button>
        </div>
      )}
    </section>
  );
}
