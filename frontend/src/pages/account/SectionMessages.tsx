import { AlertIcon, CheckIcon } from "../../components/Icons";

/**
 * A section's outcome: what just worked (a polite live region, kept in the page so that it gets
 * announced) and what failed (an alert). `name` makes their test ids: `<name>-notice`, `<name>-error`.
 */
export function SectionMessages({ name, notice, error }: { name: string; notice?: string | null; error: string | null }) {
  return (
    <>
      <div role="status">
        {notice && (
          <p className="notice" data-testid={`${name}-notice`}>
            <CheckIcon />
            <span>{notice}</span>
          </p>
        )}
      </div>
      {error && (
        <div className="notice notice--error" role="alert" data-testid={`${name}-error`}>
          <AlertIcon />
          <p>{error}</p>
        </div>
      )}
    </>
  );
}
