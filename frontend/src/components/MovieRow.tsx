import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Link } from "react-router";
import type { ApiError, Movie } from "../api";
import { ErrorState } from "./ErrorState";
import { ChevronLeftIcon, ChevronRightIcon } from "./Icons";
import { MovieCard, MovieCardSkeleton } from "./MovieCard";

interface MovieRowProps {
  title: string;
  testId: string;
  status: "loading" | "ready" | "error";
  movies: Movie[];
  error?: ApiError | null;
  onRetry?: () => void;
  /** Shown when the row loaded with no movies. */
  empty?: ReactNode;
  eager?: boolean;
  /** Where the row's title leads (its genre page). */
  href?: string | null;
  /** How far into each film the user is, 0 to 1, by movie id (Continue watching). */
  progress?: ReadonlyMap<string, number>;
}

const SKELETONS = 7;

/** A titled, horizontally scrolling row of cards with previous/next buttons. */
export function MovieRow({ title, testId, status, movies, error, onRetry, empty, eager, href, progress }: MovieRowProps) {
  const headingId = useId();
  const scroller = useRef<HTMLUListElement>(null);
  const [edges, setEdges] = useState({ start: true, end: true });

  const measure = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const start = el.scrollLeft <= 4;
    const end = el.scrollLeft + el.clientWidth >= el.scrollWidth - 4;
    setEdges((current) => (current.start === start && current.end === end ? current : { start, end }));
  }, []);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    el.addEventListener("scroll", measure, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener("scroll", measure);
    };
  }, [measure, status, movies.length]);

  const scrollBy = (direction: 1 | -1) => {
    const el = scroller.current;
    if (!el) return;
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    el.scrollBy({ left: direction * el.clientWidth * 0.85, behavior: reduce ? "auto" : "smooth" });
  };

  let content: ReactNode;
  if (status === "error") {
    content = (
      <ErrorState compact message={error?.message ?? "This row could not be loaded."} {...(onRetry ? { onRetry } : {})} />
    );
  } else if (status === "ready" && movies.length === 0) {
    content = <div className="row__empty">{empty ?? "Nothing here yet."}</div>;
  } else {
    content = (
      <div className="row__viewport">
        <ul className="row__list" ref={scroller} aria-busy={status === "loading" || undefined}>
          {status === "loading"
            ? Array.from({ length: SKELETONS }, (_, i) => (
                <li key={i} className="row__item">
                  <MovieCardSkeleton />
                </li>
              ))
            : movies.map((movie, i) => (
                <li key={movie.id} className="row__item">
                  <MovieCard movie={movie} eager={Boolean(eager) && i < 6} progress={progress?.get(movie.id)} />
                </li>
              ))}
        </ul>
        {status === "ready" && (
          <>
            <button
              type="button"
              className="row__nav row__nav--prev"
              aria-label={`Scroll ${title} back`}
              hidden={edges.start}
              onClick={() => scrollBy(-1)}
            >
              <ChevronLeftIcon />
            </button>
            <button
              type="button"
              className="row__nav row__nav--next"
              aria-label={`Scroll ${title} forward`}
              hidden={edges.end}
              onClick={() => scrollBy(1)}
            >
              <ChevronRightIcon />
            </button>
          </>
        )}
      </div>
    );
  }

  return (
    <section className="row" aria-labelledby={headingId} data-testid={testId}>
      <h2 className="row__title" id={headingId}>
        {href ? (
          <Link to={href} className="row__link">
            {title}
            <ChevronRightIcon className="row__link-icon" />
          </Link>
        ) : (
          title
        )}
        {status === "ready" && movies.length > 0 && <span className="row__count">{movies.length}</span>}
      </h2>
      {content}
    </section>
  );
}
