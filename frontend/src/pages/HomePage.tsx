import { useEffect, useRef, useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { ErrorState } from "../components/ErrorState";
import { MovieRow } from "../components/MovieRow";
import { CloseIcon, SearchIcon } from "../components/Icons";
import { formatTag } from "../format";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { useMovies } from "../hooks/useMovies";
import { useMyList } from "../myList/MyListContext";
import { SearchResults } from "./SearchResults";
import "../styles/home.css";

const SEARCH_DELAY_MS = 300;

/** The rows under the search box, like the original's "Trends" and "Originals". */
const TAG_ROWS: { tag: string; title: string }[] = [
  { tag: "comedy", title: "Comedy" },
  { tag: "horror", title: "Horror" },
  { tag: "sci-fi", title: "Sci-fi" },
  { tag: "noir", title: "Noir" },
  { tag: "drama", title: "Drama" },
  { tag: "silent", title: "Silent classics" },
];

export function HomePage() {
  const [params, setParams] = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  useDocumentTitle(q ? `Search: ${q}` : null);

  return (
    <div className="home">
      <section className={`hero${q ? " hero--compact" : ""}`} aria-labelledby="hero-title">
        <h1 className="hero__title" id="hero-title">
          What do you want to watch today?
        </h1>
        <SearchBox
          value={q}
          onSearch={(text) =>
            setParams(text ? { q: text } : {}, {
              // Typing refines the same search; starting or clearing one is a step worth a Back.
              replace: Boolean(text) && Boolean(q),
            })
          }
        />
      </section>
      {q ? <SearchResults q={q} /> : <Rows />}
    </div>
  );
}

function SearchBox({ value, onSearch }: { value: string; onSearch: (text: string) => void }) {
  const [text, setText] = useState(value);
  const input = useRef<HTMLInputElement>(null);
  const pushed = useRef(value);
  const search = (query: string) => {
    pushed.current = query;
    onSearch(query);
  };
  const searchRef = useRef(search);
  searchRef.current = search;

  // Back/forward changed the URL's query: show it in the box (but never undo what is being typed).
  useEffect(() => {
    if (value !== pushed.current) {
      pushed.current = value;
      setText(value);
    }
  }, [value]);

  useEffect(() => {
    const trimmed = text.trim();
    if (trimmed === pushed.current) return;
    const timer = window.setTimeout(() => searchRef.current(trimmed), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    search(text.trim());
  };

  return (
    <form className="search" role="search" onSubmit={submit}>
      <label htmlFor="search-input" className="visually-hidden">
        Search movies
      </label>
      <SearchIcon className="search__icon" />
      <input
        ref={input}
        id="search-input"
        className="search__input"
        type="search"
        name="q"
        placeholder="Search by title, e.g. Metropolis"
        autoComplete="off"
        spellCheck={false}
        enterKeyHint="search"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape" && text) {
            event.preventDefault();
            setText("");
            search("");
          }
        }}
        data-testid="search-input"
      />
      {text && (
        <button
          type="button"
          className="icon-button search__clear"
          aria-label="Clear search"
          onClick={() => {
            setText("");
            search("");
            input.current?.focus();
          }}
        >
          <CloseIcon />
        </button>
      )}
    </form>
  );
}

function Rows() {
  const [generation, setGeneration] = useState(0);
  const myList = useMyList();
  const trends = useMovies({ limit: 20 });
  const movies = myList.entries.map((entry) => entry.movie);
  const listStatus = myList.status === "idle" ? "loading" : myList.status;

  // The API is down: one clear message instead of the same error in every row.
  if (trends.status === "error" && trends.error?.unavailable) {
    return (
      <div className="rows rows--down">
        <ErrorState
          title="We can't load movies right now"
          message={trends.error.message}
          onRetry={() => {
            trends.retry();
            myList.reload();
            setGeneration((n) => n + 1);
          }}
        />
      </div>
    );
  }

  return (
    <div className="rows" key={generation}>
      <MovieRow
        title="My list"
        testId="my-list"
        status={listStatus}
        movies={movies}
        error={myList.error}
        onRetry={myList.reload}
        empty={
          <p>
            Your list is empty. Use the <strong>+</strong> button on any poster to keep a movie here.
          </p>
        }
        eager
      />
      <MovieRow
        title="Trends"
        testId="row-trends"
        status={trends.status}
        movies={trends.movies}
        error={trends.error}
        onRetry={trends.retry}
        eager
      />
      {TAG_ROWS.map((row) => (
        <TagRow key={row.tag} tag={row.tag} title={row.title} />
      ))}
    </div>
  );
}

function TagRow({ tag, title }: { tag: string; title: string }) {
  const state = useMovies({ tags: [tag], limit: 20 });
  // A tag with no movies in this catalogue is simply not a row.
  if (state.status === "ready" && state.movies.length === 0) return null;
  return (
    <MovieRow
      title={title || formatTag(tag)}
      testId={`row-${tag}`}
      status={state.status}
      movies={state.movies}
      error={state.error}
      onRetry={state.retry}
    />
  );
}
