import { AlertIcon } from "./Icons";

interface ErrorStateProps {
  title?: string;
  message: string;
  onRetry?: () => void;
  compact?: boolean;
}

/** A failed load, said plainly, with a way to try again. */
export function ErrorState({ title, message, onRetry, compact = false }: ErrorStateProps) {
  return (
    <div className={`error-state${compact ? " error-state--compact" : ""}`} role="alert" data-testid="error-state">
      <AlertIcon className="error-state__icon" />
      <div className="error-state__text">
        {title && <p className="error-state__title">{title}</p>}
        <p className="error-state__message">{message}</p>
      </div>
      {onRetry && (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
