/** Signing in, up and out: the render server's `/auth/*` routes, which hold the session cookie. */

import { ApiError, asRecord, isAbortError, request, segment } from "./http";
import type { components } from "./schema";

export type User = components["schemas"]["UserOut"];

/** A third-party sign-in provider the render server is configured with. */
export interface Provider {
  id: string;
  name: string;
}

/** The signed-in user, or null when there is no session. */
export async function getSession(signal?: AbortSignal): Promise<User | null> {
  try {
    const body = await request<{ user: User }>("GET", "/auth/session", { signal });
    return body.user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signIn(email: string, password: string, rememberMe: boolean): Promise<User> {
  const body = await request<{ user: User }>("POST", "/auth/sign-in", {
    body: { email, password, rememberMe },
  });
  return body.user;
}

/** Resolves with the server's message (which stays neutral about existing accounts). */
export async function signUp(name: string, email: string, password: string): Promise<string> {
  const account: Pick<components["schemas"]["SignUp"], "name" | "email" | "password"> = {
    name,
    email,
    password,
  };
  const body = await request<{ message?: string } | null>("POST", "/auth/sign-up", {
    body: account,
  });
  return body?.message ?? "Your account is ready. Sign in to continue.";
}

export async function signOut(): Promise<void> {
  await request<unknown>("POST", "/auth/sign-out");
}

/** Third-party sign-in providers; none when the route is missing or failing. */
export async function getProviders(signal?: AbortSignal): Promise<Provider[]> {
  try {
    const body = await request<{ providers?: unknown }>("GET", "/auth/providers", { signal });
    const list = Array.isArray(body?.providers) ? body.providers : [];
    return list.flatMap((item) => {
      const { id, name } = asRecord(item);
      return typeof id === "string" && id && typeof name === "string" ? [{ id, name }] : [];
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    return [];
  }
}

/** Where a provider button points: a plain navigation, handled entirely by the render server. */
export function providerLoginUrl(provider: Provider): string {
  return `/auth/oidc/${segment(provider.id)}/login`;
}

/**
 * Links a provider to the signed-in user: also a full-page navigation. The server comes back to
 * `/account?linked=<provider id>`, or `/account?error=<text>` when the link failed.
 */
export function providerLinkUrl(provider: Provider): string {
  return `${providerLoginUrl(provider)}?intent=link&returnTo=/account`;
}
