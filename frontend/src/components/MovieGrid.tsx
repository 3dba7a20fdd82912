import type { Movie } from "../api";
import { MovieCard, MovieCardSkeleton } from "./MovieCard";

/** Cards in a responsive grid; skeletons while `loading`. */
export function MovieGrid({ movies, loading = false, skeletons = 12 }: { movies: Movie[]; loading?: boolean; skeletons?: number }) {
  return (
    <ul className="grid" aria-busy={loading || undefined}>
      {movies.map((movie, i) => (
        <li key={movie.id}>
          <MovieCard movie={movie} eager={i < 8} />
        </li>
      ))}
      {loading &&
        Array.from({ length: skeletons }, (_, i) => (
          <li key={`skeleton-${i}`}>
            <MovieCardSkeleton />
          </li>
        ))}
    </ul>
  );
}
