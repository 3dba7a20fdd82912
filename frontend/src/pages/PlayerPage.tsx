import { useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import * as api from "../api";
import { ErrorState } from "../components/ErrorState";
import { ArrowLeftIcon, ExternalIcon } from "../components/Icons";
import { ListButton } from "../components/ListButton";
import { Poster } from "../components/Poster";
import { formatDuration, formatTag, isWebUrl } from "../format";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { NotFoundContent } from "./NotFoundPage";
import "../styles/player.css";

type LoadState =
  | { status: "loading" }
  | { status: "ready"; movie: api.Movie }
  | { status: "missing" }
  | { status: "error"; error: api.ApiError };

export function PlayerPage() {
  const { id = "" } = useParams();
  const [state, setState] = useState<LoadState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    api
      .getMovie(id, controller.signal)
      .then((movie) => setState({ status: "ready", movie }))
      .catch((error: unknown) => {
        if (api.isAbortError(error)) return;
        if (error instanceof api.ApiError && (error.status === 404 || error.status === 400)) {
          setState({ status: "missing" });
        } else {
          setState({
            status: "error",
            error: api.asApiError(error),
          });
        }
      });
    return () => controller.abort();
  }, [id, attempt]);

  useDocumentTitle(
    state.status === "ready" ? state.movie.title : state.status === "missing" ? "Movie not found" : null,
  );

  if (state.status === "missing") {
    return <NotFoundContent title="This movie isn't in the catalogue" />;
  }

  return (
    <div className="player-page">
      <BackLink />
      {state.status === "loading" && <PlayerSkeleton />}
      {state.status === "error" && (
        <ErrorState
          title="We couldn't load this movie"
          message={state.error.message}
          onRetry={() => setAttempt((n) => n + 1)}
        />
      )}
      {state.status === "ready" && <MovieDetails key={state.movie.id} movie={state.movie} />}
    </div>
  );
}

function BackLink() {
  return (
    <Link to="/" className="back-link">
      <ArrowLeftIcon />
      Back to browse
    </Link>
  );
}

function MovieDetails({ movie }: { movie: api.Movie }) {
  const duration = formatDuration(movie.duration);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // A new page: start reading at its title.
  useEffect(() => {
    headingRef.current?.focus({ preventScroll: true });
  }, []);

  return (
    <article className="player" data-testid="player">
      <div className="player__backdrop" aria-hidden="true">
        {isWebUrl(movie.cover) && <img src={movie.cover} alt="" />}
      </div>

      <VideoPlayer movie={movie} />

      <div className="player__info">
        <div className="player__text">
          <h1 className="player__title" ref={headingRef} tabIndex={-1}>
            {movie.title}
          </h1>
          <ul className="facts" aria-label="Details">
            <li className="facts__item" data-testid="movie-year">
              {movie.year}
            </li>
            {duration && (
              <li className="facts__item" data-testid="movie-duration">
                <span className="visually-hidden">Duration: </span>
                {duration}
              </li>
            )}
            {movie.contentRating && (
              <li className="facts__item" data-testid="movie-rating">
                <span className="rating" title="Content rating">
                  <span className="visually-hidden">Rated </span>
                  {movie.contentRating}
                </span>
              </li>
            )}
          </ul>
          <div className="player__actions">
            <ListButton movie={movie} variant="full" />
          </div>
          {movie.tags.length > 0 && (
            <ul className="tags" aria-label="Tags" data-testid="movie-tags">
              {movie.tags.map((tag) => (
                <li key={tag} className="tag">
                  {formatTag(tag)}
                </li>
              ))}
            </ul>
          )}
          <p className="player__description" data-testid="movie-description">
            {movie.description}
          </p>
        </div>
      </div>
    </article>
  );
}

/** The video, or a friendly fallback (poster and a link) when the source can't be played here. */
function VideoPlayer({ movie }: { movie: api.Movie }) {
  const playable = isWebUrl(movie.source);
  const [failed, setFailed] = useState(!playable);
  const sourceLink = playable ? movie.source : null;

  if (failed) {
    return (
      <div className="video video--fallback" data-testid="video-fallback">
        <Poster src={movie.cover} title={movie.title} className="video__poster" eager />
        <div className="video__message">
          <p className="video__title">This film can't be played here</p>
          <p className="video__hint">
            The video isn't available in this player right now.
            {sourceLink ? " You can still watch it where it is hosted." : ""}
          </p>
          {sourceLink && (
            <a className="button button--primary" href={sourceLink} target="_blank" rel="noopener noreferrer">
              <ExternalIcon />
              Watch at the source
              <span className="visually-hidden"> (opens in a new tab)</span>
            </a>
          )}
        </div>
      </div>
    );
  }

  return (
    <div className="video">
      <video
        className="video__element"
        controls
        playsInline
        preload="metadata"
        poster={isWebUrl(movie.cover) ? movie.cover : undefined}
        src={movie.source}
        onError={() => setFailed(true)}
        aria-label={`${movie.title} video`}
        data-testid="video"
      >
        <p>
          Your browser can't play this video.{" "}
          <a href={movie.source} target="_blank" rel="noopener noreferrer">
            Open it at the source
          </a>
          .
        </p>
      </video>
    </div>
  );
}

function PlayerSkeleton() {
  return (
    <div className="player player--skeleton" aria-busy="true" aria-label="Loading movie">
      <div className="video skeleton" />
      <div className="player__info">
        <div className="player__text">
          <div className="skeleton skeleton--title" />
          <div className="skeleton skeleton--line skeleton--short" />
          <div className="skeleton skeleton--line" />
          <div className="skeleton skeleton--line" />
        </div>
      </div>
    </div>
  );
}
