/** The signed-in user's account: linked third-party sign-ins, sessions and the email address. */

import { ApiError, asRecord, request, segment } from "./http";
import type { components } from "./schema";

/**
 * A third-party sign-in (an OpenID Connect issuer + subject) linked to the signed-in user.
 * `provider` is the provider's id when the server knows which configured provider it came from;
 * `createdAt` is ISO 8601.
 */
export type Identity = components["schemas"]["IdentityOut"];

function optionalString(value: unknown): string | null {
  return typeof value === "string" && value ? value : null;
}

/** The providers linked to the signed-in user. */
export async function listIdentities(signal?: AbortSignal): Promise<Identity[]> {
  const body = await request<{ data?: unknown }>("GET", "/api/auth/identities", { signal });
  const list = Array.isArray(body?.data) ? body.data : [];
  return list.flatMap((item): Identity[] => {
    const record = asRecord(item);
    const { id, issuer, subject } = record;
    if (typeof id !== "string" || !id || typeof issuer !== "string") return [];
    return [
      {
        id,
        issuer,
        subject: typeof subject === "string" ? subject : "",
        email: optionalString(record.email),
        provider: optionalString(record.provider),
        createdAt: typeof record.createdAt === "string" ? record.createdAt : "",
      },
    ];
  });
}

/** Deletes what `path` names; already gone (another tab, say) counts as done. */
async function remove(path: string): Promise<void> {
  try {
    await request<unknown>("DELETE", path);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
}

/** Unlinks a provider; a 409 (the user's only way left to sign in) carries the reason. */
export async function unlinkIdentity(id: string): Promise<void> {
  await remove(`/api/auth/identities/${segment(id)}`);
}

/**
 * A session of the signed-in user: one browser or app that signed in. `device` is named from the
 * User-Agent it signed in with ("Chrome on Linux"); `current` marks this browser's session.
 */
export type AccountSession = components["schemas"]["SessionOut"];

/** The signed-in user's live sessions, newest first. */
export async function listSessions(signal?: AbortSignal): Promise<AccountSession[]> {
  const body = await request<{ data?: unknown }>("GET", "/api/auth/sessions", { signal });
  const list = Array.isArray(body?.data) ? body.data : [];
  return list.flatMap((item): AccountSession[] => {
    const record = asRecord(item);
    if (typeof record.id !== "string" || !record.id) return [];
    return [
      {
        id: record.id,
        device: optionalString(record.device) ?? "Unknown device",
        createdAt: typeof record.createdAt === "string" ? record.createdAt : "",
        lastUsedAt: typeof record.lastUsedAt === "string" ? record.lastUsedAt : "",
        expiresAt: typeof record.expiresAt === "string" ? record.expiresAt : "",
        rememberMe: record.rememberMe === true,
        current: record.current === true,
      },
    ];
  });
}

/** Signs one session out (another browser); one that already ended counts as done. */
export async function endSession(id: string): Promise<void> {
  await remove(`/api/auth/sessions/${segment(id)}`);
}

/** Asks to move the account to `email`: a link goes there; resolves with where it went. */
export async function changeEmail(email: string, password: string): Promise<string> {
  const body = await request<{ message?: unknown }>("POST", "/api/auth/email", { body: { email, password } });
  return typeof body?.message === "string" && body.message
    ? body.message
    : `We sent a link to ${email}. Open it to make it your address.`;
}
