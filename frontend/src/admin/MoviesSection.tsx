import { useEffect, useRef, useState, type FormEvent } from "react";
import * as api from "../api";
import { ErrorState } from "../components/ErrorState";
import { Field, SubmitButton } from "../pages/AuthLayout";
import { SectionMessages } from "../pages/account/SectionMessages";
import * as admin from "./adminApi";
import { ImportPanel } from "./ImportPanel";

const RATINGS = ["G", "PG", "PG-13", "R", "NC-17"];
const PAGE_SIZE = 20;

interface Draft {
  title: string;
  year: string;
  duration: string;
  contentRating: string;
  cover: string;
  source: string;
  tags: string;
  description: string;
}

const EMPTY: Draft = {
  title: "",
  year: "",
  duration: "",
  contentRating: "PG",
  cover: "",
  source: "",
  tags: "",
  description: "",
};

function draftOf(movie: api.Movie): Draft {
  return {
    title: movie.title,
    year: String(movie.year),
    duration: String(movie.duration),
    contentRating: movie.contentRating,
    cover: movie.cover,
    source: movie.source,
    tags: movie.tags.join(", "),
    description: movie.description,
  };
}

function inputOf(draft: Draft): admin.MovieInput {
  return {
    title: draft.title.trim(),
    year: Number(draft.year),
    duration: Number(draft.duration),
    contentRating: draft.contentRating,
    cover: draft.cover.trim(),
    source: draft.source.trim(),
    tags: draft.tags
      .split(",")
      .map((tag) => tag.trim())
      .filter(Boolean),
    description: draft.description.trim(),
  };
}

type ListState =
  | { status: "loading" }
  | { status: "ready"; movies: api.Movie[]; next: string | null }
  | { status: "error"; error: api.ApiError };

/** The catalogue: search it, add a film, edit or delete one, import a CSV file of films. */
export function MoviesSection() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [q, setQ] = useState("");
  const [search, setSearch] = useState("");
  const [state, setState] = useState<ListState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [editing, setEditing] = useState<api.Movie | "new" | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    api
      .listMovies({ q: search, limit: PAGE_SIZE }, controller.signal)
      .then((page) => setState({ status: "ready", movies: page.data, next: page.next }))
      .catch((err: unknown) => {
        if (!api.isAbortError(err)) setState({ status: "error", error: api.asApiError(err) });
      });
    return () => controller.abort();
  }, [search, attempt]);

  const more = async () => {
    if (state.status !== "ready" || !state.next) return;
    try {
      const page = await api.listMovies({ q: search, limit: PAGE_SIZE, cursor: state.next });
      setState({ status: "ready", movies: [...state.movies, ...page.data], next: page.next });
    } catch (err) {
      setError(api.asApiError(err).message);
    }
  };

  const remove = async (movie: api.Movie) => {
    setBusyId(movie.id);
    setError(null);
    setNotice(null);
    try {
      await admin.deleteMovie(movie.id);
    } catch (err) {
      setBusyId(null);
      setError(api.asApiError(err).message);
      return;
    }
    setBusyId(null);
    setConfirming(null);
    setNotice(`“${movie.title}” is deleted.`);
    setState((current) =>
      current.status === "ready" ? { ...current, movies: current.movies.filter((m) => m.id !== movie.id) } : current,
    );
    heading.current?.focus();
  };

  const saved = (message: string) => {
    setEditing(null);
    setNotice(message);
    setAttempt((n) => n + 1);
    heading.current?.focus();
  };

  return (
    <>
      <section className="panel" aria-labelledby="admin-movies-title" data-testid="admin-movies">
        <h2 className="panel__title" id="admin-movies-title" ref={heading} tabIndex={-1}>
          Movies
        </h2>
        <SectionMessages name="admin-movies" notice={notice} error={error} />
        <form
          className="admin-toolbar"
          role="search"
          aria-label="Search movies in the catalogue"
          onSubmit={(event) => {
            event.preventDefault();
            setSearch(q.trim());
          }}
        >
          <Field id="admin-movie-search" label="Search by title" type="search" autoComplete="off" value={q} onChange={setQ} />
          <button type="submit" className="button button--secondary">
            Search
          </button>
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              setNotice(null);
              setEditing("new");
            }}
          >
            New movie
          </button>
        </form>

        {editing && (
          <MovieForm
            key={editing === "new" ? "new" : editing.id}
            movie={editing === "new" ? null : editing}
            onCancel={() => setEditing(null)}
            onSaved={saved}
          />
        )}

        {state.status === "loading" && (
          <p className="panel__hint" aria-busy="true">
            Loading movies…
          </p>
        )}
        {state.status === "error" && (
          <ErrorState compact title="We couldn't load the catalogue" message={state.error.message} onRetry={() => setAttempt((n) => n + 1)} />
        )}
        {state.status === "ready" &&
          (state.movies.length === 0 ? (
            <p className="panel__hint">No movie matches.</p>
          ) : (
            <div className="admin-table-wrap">
              <table className="admin-table" data-testid="admin-movie-table">
                <caption className="visually-hidden">Movies</caption>
                <thead>
                  <tr>
                    <th scope="col">Title</th>
                    <th scope="col">Year</th>
                    <th scope="col">Rating</th>
                    <th scope="col">Genres</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {state.movies.map((movie) => (
                    <tr key={movie.id} data-testid="admin-movie-row">
                      <th scope="row">{movie.title}</th>
                      <td>{movie.year}</td>
                      <td>{movie.contentRating}</td>
                      <td>{movie.tags.join(", ")}</td>
                      <td>
                        <div className="admin-table__actions">
                          {confirming === movie.id ? (
                            <>
                              <button
                                type="button"
                                className="button button--primary button--small"
                                aria-busy={busyId === movie.id || undefined}
                                onClick={() => void remove(movie)}
                                autoFocus
                              >
                                Yes, delete “{movie.title}”
                              </button>
                              <button type="button" className="button button--secondary button--small" onClick={() => setConfirming(null)}>
                                Keep it
                              </button>
                            </>
                          ) : (
                            <>
                              <button
                                type="button"
                                className="button button--secondary button--small"
                                aria-label={`Edit ${movie.title}`}
                                onClick={() => {
                                  setNotice(null);
                                  setEditing(movie);
                                }}
                              >
                                Edit
                              </button>
                              <button
                                type="button"
                                className="button button--secondary button--small"
                                aria-label={`Delete ${movie.title}`}
                                onClick={() => setConfirming(movie.id)}
                              >
                                Delete
                              </button>
                            </>
                          )}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        {state.status === "ready" && state.next && (
          <button type="button" className="button button--secondary admin-more" onClick={() => void more()}>
            More
          </button>
        )}
      </section>
      <ImportPanel onImported={() => setAttempt((n) => n + 1)} />
    </>
  );
}

function MovieForm({
  movie,
  onCancel,
  onSaved,
}: {
  movie: api.Movie | null;
  onCancel: () => void;
  onSaved: (message: string) => void;
}) {
  const [draft, setDraft] = useState<Draft>(movie ? draftOf(movie) : EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = movie ? "admin-movie-form-edit" : "admin-movie-form-new";
  const set = (name: keyof Draft) => (value: string) => setDraft((current) => ({ ...current, [name]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const input = inputOf(draft);
    const missing: Record<string, string> = {};
    if (!input.title) missing.title = "Enter a title.";
    if (!Number.isInteger(input.year) || input.year < 1) missing.year = "Enter a year, such as 1973.";
    if (!Number.isInteger(input.duration) || input.duration < 1) missing.duration = "Enter the length in minutes.";
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      if (movie) await admin.updateMovie(movie.id, input);
      else await admin.createMovie(input);
    } catch (err) {
      const failure = api.asApiError(err);
      setErrors(Object.fromEntries(failure.details.map((d) => [d.field.split(".").pop() ?? d.field, d.message])));
      setError(failure.message);
      setBusy(false);
      return;
    }
    onSaved(movie ? `“${input.title}” is saved.` : `“${input.title}” is added to the catalogue.`);
  };

  return (
    <form className="admin-form" aria-labelledby={titleId} onSubmit={(event) => void submit(event)} noValidate data-testid="admin-movie-form">
      <h3 className="link-providers__title field--wide" id={titleId}>
        {movie ? `Edit “${movie.title}”` : "New movie"}
      </h3>
      {error && (
        <div className="notice notice--error field--wide" role="alert">
          <p>{error}</p>
        </div>
      )}
      <Field id="movie-title" label="Title" type="text" autoComplete="off" value={draft.title} onChange={set("title")} error={errors.title} autoFocus />
      <Field id="movie-year" label="Year" type="number" autoComplete="off" value={draft.year} onChange={set("year")} error={errors.year} />
      <Field
        id="movie-duration"
        label="Length (minutes)"
        type="number"
        autoComplete="off"
        value={draft.duration}
        onChange={set("duration")}
        error={errors.duration}
      />
      <div className="field">
        <label className="field__label" htmlFor="movie-rating">
          Content rating
        </label>
        <select
          id="movie-rating"
          className="admin-select"
          value={draft.contentRating}
          onChange={(event) => set("contentRating")(event.target.value)}
        >
          {(RATINGS.includes(draft.contentRating) ? RATINGS : [draft.contentRating, ...RATINGS]).map((rating) => (
            <option key={rating} value={rating}>
              {rating}
            </option>
          ))}
        </select>
      </div>
      <Field id="movie-cover" label="Cover image URL" type="url" autoComplete="off" value={draft.cover} onChange={set("cover")} error={errors.cover} />
      <Field id="movie-source" label="Video URL" type="url" autoComplete="off" value={draft.source} onChange={set("source")} error={errors.source} />
      <Field
        id="movie-tags"
        label="Genres"
        type="text"
        autoComplete="off"
        value={draft.tags}
        onChange={set("tags")}
        error={errors.tags}
        hint="Separated by commas: drama, comedia"
      />
      <div className={`field field--wide${errors.description ? " field--invalid" : ""}`}>
        <label className="field__label" htmlFor="movie-description">
          Description
        </label>
        <textarea
          id="movie-description"
          className="field__input admin-textarea"
          value={draft.description}
          onChange={(event) => set("description")(event.target.value)}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={errors.description ? "movie-description-error" : undefined}
        />
        {errors.description && (
          <p className="field__error" id="movie-description-error">
            {errors.description}
          </p>
        )}
      </div>
      <div className="admin-form__actions">
        <SubmitButton busy={busy} block={false}>
          {movie ? "Save changes" : "Add movie"}
        </SubmitButton>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
