import { useCallback, useEffect, useId, useRef, useState } from "react";
import { Link, useLocation } from "react-router";
import { useMenuDismiss } from "../hooks/useMenuDismiss";
import * as api from "../api";
import { formatTag } from "../format";
import { ChevronDownIcon } from "./Icons";

type GenresState =
  | { status: "idle" | "loading" }
  | { status: "ready"; genres: api.Genre[] }
  | { status: "error"; error: api.ApiError };

/**
 * "Genres": a button that shows a list of links, one per genre (the disclosure pattern: Tab
 * moves through the links, Escape closes and returns to the button). Loaded on first open.
 */
export function GenresMenu() {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<GenresState>({ status: "idle" });
  const listId = useId();
  const wrapper = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const { pathname } = useLocation();
  const current = pathname.startsWith("/genres/") ? decodeURIComponent(pathname.slice("/genres/".length)) : null;

  useEffect(() => setOpen(false), [pathname]);

  const toggle = () => {
    const opening = !open;
    setOpen(opening);
    if (!opening || state.status === "ready" || state.status === "loading") return;
    // Loaded on first open; not cancelled on close (wanted the next time it opens anyway).
    setState({ status: "loading" });
    api
      .listGenres()
      .then((genres) => setState({ status: "ready", genres }))
      .catch((error: unknown) => setState({ status: "error", error: api.asApiError(error) }));
  };

  const close = useCallback(() => setOpen(false), []);
  const onBlur = useMenuDismiss(open, close, wrapper, trigger);

  return (
    <div
      className="genres"
      ref={wrapper}
      onBlur={onBlur}
    >
      <button
        ref={trigger}
        type="button"
        className={`nav__link genres__trigger${current ? " active" : ""}`}
        aria-expanded={open}
        aria-controls={listId}
        onClick={toggle}
      >
        Genres
        <ChevronDownIcon className="genres__chevron" />
      </button>
      <div className="genres__popover" id={listId} hidden={!open}>
        {state.status === "ready" && state.genres.length > 0 && (
          <ul className="genres__list" aria-label="Genres">
            {state.genres.map((genre) => (
              <li key={genre.tag}>
                <Link
                  to={`/genres/${encodeURIComponent(genre.tag)}`}
                  className="genres__link"
                  aria-current={genre.tag === current ? "page" : undefined}
                  onClick={() => setOpen(false)}
                >
                  {genre.title || formatTag(genre.tag)}
                  <span className="genres__count">
                    {genre.count}
                    <span className="visually-hidden"> {genre.count === 1 ? "film" : "films"}</span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {state.status === "ready" && state.genres.length === 0 && <p className="genres__note">No genres yet.</p>}
        {(state.status === "loading" || state.status === "idle") && <p className="genres__note">Loading genres…</p>}
        {state.status === "error" && (
          <p className="genres__note" role="alert">
            {state.error.message}
          </p>
        )}
      </div>
    </div>
  );
}
