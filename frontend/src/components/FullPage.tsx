import { Logo } from "./Logo";
import { ErrorState } from "./ErrorState";

/** Shown while the session is being checked. */
export function Splash() {
  return (
    <div className="full-page" aria-busy="true">
      <Logo />
      <div className="spinner" role="status" aria-label="Loading cinepass" />
    </div>
  );
}

/** The whole app cannot start: the render server or the API behind it is down. */
export function FullPageError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div className="full-page">
      <Logo />
      <ErrorState title="We can't load cinepass right now" message={message} onRetry={onRetry} />
    </div>
  );
}
