/** The user's initials in a coloured circle: made here, no image from anywhere. */

const PALETTE_SIZE = 8;

export function initials(name: string, email = ""): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const first = (word: string | undefined) => Array.from(word ?? "")[0] ?? "";
  const text =
    words.length >= 2
      ? first(words[0]) + first(words[words.length - 1])
      : words.length === 1
        ? first(words[0])
        : first(email);
  return text.toLocaleUpperCase() || "?";
}

/** A stable colour slot for a user, from a small string hash. */
export function colourSlot(seed: string): number {
  let hash = 0;
  for (const char of seed) hash = (Math.imul(hash, 31) + (char.codePointAt(0) ?? 0)) | 0;
  return Math.abs(hash) % PALETTE_SIZE;
}

export function Avatar({ name, email, seed, size = "md" }: { name: string; email: string; seed: string; size?: "md" | "lg" }) {
  return (
    <span className={`avatar avatar--${size} avatar--c${colourSlot(seed)}`} aria-hidden="true">
      {initials(name, email)}
    </span>
  );
}
