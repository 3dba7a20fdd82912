/** The signed-in user's account: the third-party sign-ins linked to it (`/api/auth/identities`). */

import { asRecord, request, segment } from "./http";
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

/** Unlinks a provider; a 409 (the user's only way left to sign in) carries the reason. */
export async function unlinkIdentity(id: string): Promise<void> {
  await request<unknown>("DELETE", `/api/auth/identities/${segment(id)}`);
}
