import type { Movie } from "../api";
import { useMyList } from "../myList/MyListContext";
import { CheckIcon, PlusIcon } from "./Icons";

interface ListButtonProps {
  movie: Movie;
  /** "icon": the round button on cards; "full": the labelled button on the player page. */
  variant?: "icon" | "full";
  className?: string;
}

/** Adds the movie to My list or removes it; its accessible name says which. */
export function ListButton({ movie, variant = "icon", className = "" }: ListButtonProps) {
  const { isInList, isPending, toggle } = useMyList();
  const inList = isInList(movie.id);
  const pending = isPending(movie.id);
  const label = inList
    ? `Remove ${movie.title} from My list`
    : `Add ${movie.title} to My list`;

  const onClick = () => {
    // aria-disabled rather than disabled keeps keyboard focus on the button while it works.
    if (!pending) void toggle(movie);
  };

  const classes = [
    variant === "icon" ? "list-button" : "button button--secondary list-button-full",
    inList ? "is-in-list" : "",
    className,
  ]
    .filter(Boolean)
    .join(" ");

  return (
    <button
      type="button"
      className={classes}
      aria-label={label}
      aria-disabled={pending || undefined}
      aria-busy={pending || undefined}
      title={variant === "icon" ? label : undefined}
      onClick={onClick}
    >
      {inList ? <CheckIcon /> : <PlusIcon />}
      {variant === "full" && <span aria-hidden="true">{inList ? "In My list" : "My list"}</span>}
    </button>
  );
}
