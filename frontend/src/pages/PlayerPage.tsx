import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
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

/** Back where the user came from (search results, a genre) when in the app; else home. */
function BackLink() {
  const navigate = useNavigate();
  const inApp = typeof window.history.state?.idx === "number" && window.history.state.idx > 0;
  return (
    <Link
      to="/"
      className="back-link"
      onClick={(event) => {
        if (!inApp) return;
        event.preventDefault();
        navigate(-1);
      }}
    >
      <ArrowLeftIcon />
      Back
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

/** Seconds between saves of the position while the film plays. */
const SAVE_EVERY_MS = 5000;
/** From here on the film counts as finished (the API says the same): a new play starts at 0. */
const FINISHED_SHARE = 0.95;

type PlaybackState =
  | { status: "loading" }
  | { status: "ready"; playback: api.Playback; startAt: number; renewed: boolean }
  | { status: "error"; error: api.ApiError }
  | { status: "failed" };

/** Where to start: the saved position, unless the film was (nearly) over. */
function startingPoint(playback: api.Playback): number {
  const { position, duration } = playback;
  if (!Number.isFinite(position) || position <= 0) return 0;
  if (duration && position >= duration * FINISHED_SHARE) return 0;
  return position;
}

/** The film, played from a signed media URL the API gives this user; its position is saved. */
function VideoPlayer({ movie }: { movie: api.Movie }) {
  const [state, setState] = useState<PlaybackState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const video = useRef<HTMLVideoElement>(null);
  const saved = useRef<number | null>(null);
  const resumeAt = useRef(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    api
      .getPlayback(movie.id, controller.signal)
      .then((playback) => {
        const startAt = startingPoint(playback);
        resumeAt.current = startAt;
        setState({ status: "ready", playback, startAt, renewed: false });
      })
      .catch((error: unknown) => {
        if (api.isAbortError(error)) return;
        setState({ status: "error", error: api.asApiError(error) });
      });
    return () => controller.abort();
  }, [movie.id, attempt]);

  // Which <video> is on the page: the effect below follows it (a renewed link is a new one).
  const source =
    state.status === "ready" && state.playback.kind === "local"
      ? `${state.renewed ? "renewed" : "first"} ${state.playback.url}`
      : null;

  const save = useCallback(
    (el: HTMLVideoElement | null, leaving = false) => {
      if (!el) return;
      const duration = el.duration;
      const position = el.currentTime;
      if (!Number.isFinite(duration) || duration <= 0 || !Number.isFinite(position)) return;
      // Nothing new to say (a pause right after a save; a page that never started playing).
      if (saved.current !== null && Math.abs(saved.current - position) < 0.5) return;
      if (saved.current === null && position < 0.5) return;
      saved.current = position;
      resumeAt.current = position;
      api.saveProgress(movie.id, { position, duration }, leaving).catch(() => {
        // A lost save costs a few seconds of position, never the film: say nothing.
      });
    },
    [movie.id],
  );

  // While playing: a save every few seconds. Leaving the page (in the app or the tab): a last one.
  useEffect(() => {
    if (!source) return;
    // Held here: by the time an unmount runs this cleanup, the ref is already empty.
    const el = video.current;
    let timer: number | undefined;
    const start = () => {
      window.clearInterval(timer);
      timer = window.setInterval(() => save(el), SAVE_EVERY_MS);
    };
    const stop = () => window.clearInterval(timer);
    const onHide = () => {
      if (document.visibilityState === "hidden") save(el, true);
    };
    const onPageHide = () => save(el, true);
    el?.addEventListener("playing", start);
    el?.addEventListener("pause", stop);
    el?.addEventListener("ended", stop);
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("pagehide", onPageHide);
    return () => {
      stop();
      el?.removeEventListener("playing", start);
      el?.removeEventListener("pause", stop);
      el?.removeEventListener("ended", stop);
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", onPageHide);
      save(el, true);
    };
  }, [source, save]);

  // The signed URL expired (or the video failed): ask for a new one once, then say so.
  const onVideoError = () => {
    if (state.status !== "ready") return;
    if (state.renewed) {
      setState({ status: "failed" });
      return;
    }
    const at = video.current && video.current.currentTime > 0 ? video.current.currentTime : resumeAt.current;
    api
      .getPlayback(movie.id)
      .then((playback) => setState({ status: "ready", playback, startAt: at, renewed: true }))
      .catch(() => setState({ status: "failed" }));
  };

  if (state.status === "loading") {
    return (
      <div className="video skeleton" aria-busy="true">
        <span className="visually-hidden">Loading the video…</span>
      </div>
    );
  }

  if (state.status === "error" || state.status === "failed") {
    return (
      <div className="video video--fallback" data-testid="video-fallback">
        <Poster src={movie.cover} title={movie.title} className="video__poster" eager />
        <div className="video__message" role="alert">
          <p className="video__title">This film can't be played right now</p>
          <p className="video__hint">
            {state.status === "error"
              ? state.error.message
              : "The video didn't load, even with a new link. Try again in a moment."}
          </p>
          <button type="button" className="button button--secondary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      </div>
    );
  }

  const { playback, startAt, renewed } = state;
  if (playback.kind === "external") return <ExternalSource movie={movie} url={playback.url} />;

  return (
    <div className="video">
      <video
        // A renewed link is a new element: the same URL again must still be loaded again.
        key={renewed ? "renewed" : "first"}
        ref={video}
        className="video__element"
        controls
        playsInline
        preload="metadata"
        poster={isWebUrl(movie.cover) ? movie.cover : undefined}
        src={playback.url}
        onLoadedMetadata={(event) => {
          const el = event.currentTarget;
          if (startAt > 0 && (!Number.isFinite(el.duration) || startAt < el.duration)) el.currentTime = startAt;
        }}
        onPause={(event) => save(event.currentTarget)}
        onSeeked={(event) => save(event.currentTarget)}
        onEnded={(event) => save(event.currentTarget)}
        onError={onVideoError}
        aria-label={`${movie.title} video`}
        data-testid="video"
      >
        <p>Your browser can't play this video.</p>
      </video>
    </div>
  );
}

/** A film an admin says is hosted elsewhere: a link out, plainly marked as leaving cinepass. */
function ExternalSource({ movie, url }: { movie: api.Movie; url: string }) {
  const usable = isWebUrl(url);
  let host = "";
  try {
    host = new URL(url).host;
  } catch {
    host = "";
  }
  return (
    <div className="video video--fallback" data-testid="video-external">
      <Poster src={movie.cover} title={movie.title} className="video__poster" eager />
      <div className="video__message">
        <p className="video__title">This film is hosted outside cinepass</p>
        <p className="video__hint">
          {host ? `It plays on ${host}, a site that isn't part of cinepass.` : "It plays on a site that isn't part of cinepass."}
        </p>
        {usable && (
          <a className="button button--primary" href={url} target="_blank" rel="noopener noreferrer">
            <ExternalIcon />
            Watch outside cinepass
            <span className="visually-hidden"> (opens another site in a new tab)</span>
          </a>
        )}
      </div>
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
