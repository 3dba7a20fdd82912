import { useEffect, useRef, useState, type FormEvent } from "react";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import * as api from "../api";
import { ErrorState } from "../components/ErrorState";
import { MovieRow } from "../components/MovieRow";
import { CloseIcon, SearchIcon } from "../components/Icons";
import { formatTag } from "../format";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { useLoad } from "../hooks/useLoad";
import { useMyList } from "../myList/MyListContext";
import { SearchResults } from "./SearchResults";
import "../styles/home.css";

const SEARCH_DELAY_MS = 300;

/** How many films each row of the home page asks for. */
const ROW_LIMIT = 20;

/** Home ("/") and search ("/search?q="): the hero with the search box, then rows or results. */
export function HomePage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const searching = pathname === "/search";
  const q = searching ? (params.get("q") ?? "").trim() : "";
  useDocumentTitle(q ? `Search: ${q}` : searching ? "Search" : null);

  return (
    <div className="home">
      <section className={`hero${searching ? " hero--compact" : ""}`} aria-labelledby="hero-title">
        <h1 className="hero__title" id="hero-title">
          What do you want to watch today?
        </h1>
        <SearchBox
          value={q}
          onSearch={(text) =>
            navigate(text ? `/search?${new URLSearchParams({ q: text }).toString()}` : "/", {
              // Typing refines the same search; starting or clearing one is a step worth a Back.
              replace: Boolean(text) && Boolean(q),
            })
          }
        />
      </section>
      {q ? <SearchResults q={q} /> : searching ? <SearchHint /> : <Rows />}
    </div>
  );
}

function SearchHint() {
  return (
    <div className="empty-state">
      <p className="empty-state__title">Search the catalogue</p>
      <p className="empty-state__hint">Type a title, e.g. Metropolis or Fantômas.</p>
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
  const rows = useLoad((signal) => api.listRows(ROW_LIMIT, signal), String(generation));
  const watching = useLoad((signal) => api.listWatching(signal), String(generation));
  const movies = myList.entries.map((entry) => entry.movie);
  const listStatus = myList.status === "idle" ? "loading" : myList.status;

  // The API is down: one clear message instead of the same error in every row.
  if (rows.status === "error" && rows.error?.unavailable) {
    return (
      <div className="rows rows--down">
        <ErrorState
          title="We can't load movies right now"
          message={rows.error.message}
          onRetry={() => {
            myList.reload();
            setGeneration((n) => n + 1);
          }}
        />
      </div>
    );
  }

  const started = watching.data ?? [];
  const progress = new Map(
    started.map((entry) => [entry.movie.id, entry.duration > 0 ? entry.position / entry.duration : 0]),
  );

  return (
    <div className="rows">
      {/* Nothing started: no row at all, rather than an empty one. */}
      {(watching.status !== "ready" || started.length > 0) && watching.status !== "error" && (
        <MovieRow
          title="Continue watching"
          testId="continue-watching"
          status={watching.status}
          movies={started.map((entry) => entry.movie)}
          progress={progress}
          eager
        />
      )}
      <MovieRow
        title="My list"
        testId="my-list"
        href="/my-list"
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
      {rows.status === "ready" ? (
        (rows.data ?? []).map((row) =>
          row.movies.length === 0 ? null : (
            <MovieRow
              key={row.key}
              title={row.title || formatTag(row.tag ?? row.key)}
              testId={`row-${row.key}`}
              href={row.tag ? `/genres/${encodeURIComponent(row.tag)}` : null}
              status="ready"
              movies={row.movies}
            />
          ),
        )
      ) : (
        <MovieRow
          title="Trends"
          testId="row-trending"
          status={rows.status}
          movies={[]}
          error={rows.error}
          onRetry={rows.retry}
        />
      )}
    </div>
  );
}
