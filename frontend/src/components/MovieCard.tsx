import { Link } from "react-router";
import type { Movie } from "../api";
import { formatDuration } from "../format";
import { ListButton } from "./ListButton";
import { Poster } from "./Poster";

interface MovieCardProps {
  movie: Movie;
  eager?: boolean;
  /** How far into the film the user is, 0 to 1: drawn as a bar under the poster. */
  progress?: number | undefined;
}

/**
 * A poster card. The title link stretches over the whole card (one tab stop, one name),
 * and the My list button sits above it as a sibling, never inside the link.
 */
export function MovieCard({ movie, eager = false, progress }: MovieCardProps) {
  const meta = [String(movie.year), formatDuration(movie.duration), movie.contentRating]
    .filter(Boolean)
    .join(" · ");
  return (
    <article className="card" data-testid="movie-card" data-movie-id={movie.id}>
      <Poster src={movie.cover} title={movie.title} className="card__poster" eager={eager} />
      {progress !== undefined && (
        <div
          className="card__progress"
          role="progressbar"
          aria-label={`Watched of ${movie.title}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(progress * 100)}
          aria-valuetext={`${Math.round(progress * 100)}% watched`}
          data-testid="watch-progress"
        >
          <span className="card__progress-bar" style={{ width: `${Math.min(100, Math.max(2, progress * 100))}%` }} />
        </div>
      )}
      <div className="card__body">
        <h3 className="card__title">
          <Link to={`/player/${encodeURIComponent(movie.id)}`} className="card__link">
            {movie.title}
          </Link>
        </h3>
        <p className="card__meta">{meta}</p>
      </div>
      <ListButton movie={movie} className="card__action" />
    </article>
  );
}

/** A grey card shape shown while a row or grid loads. */
export function MovieCardSkeleton() {
  return (
    <div className="card card--skeleton" aria-hidden="true">
      <div className="poster skeleton" />
      <div className="card__body">
        <div className="skeleton skeleton--line" />
        <div className="skeleton skeleton--line skeleton--short" />
      </div>
    </div>
  );
}
