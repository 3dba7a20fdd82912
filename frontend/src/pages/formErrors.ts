/** A failed form submission, split as a form shows it: per field, and the rest above the form. */

import type { ApiError } from "../api";

/** "password: too short" -> "Password: too short." style: the server's words, a field's voice. */
export function sentence(message: string): string {
  const trimmed = message.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * The failure's `details` on the form's own fields (`fieldFor` names the form field a server
 * field belongs to, or null), and one message for everything else: null when every problem sits
 * on a field.
 */
export function formErrors<F extends string>(
  failure: ApiError,
  fieldFor: (serverField: string) => F | null,
): { fields: Partial<Record<F, string>>; message: string | null } {
  const fields: Partial<Record<F, string>> = {};
  const others: string[] = [];
  for (const detail of failure.details) {
    const field = fieldFor(detail.field);
    if (field && !fields[field]) fields[field] = sentence(detail.message);
    else if (!field) others.push(sentence(`${detail.field}: ${detail.message}`));
  }
  const onFields = Object.keys(fields).length > 0;
  return { fields, message: onFields && others.length === 0 ? null : [failure.message, ...others].join(" ") };
}
