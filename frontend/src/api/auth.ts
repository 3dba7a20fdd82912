/** Signing in, up and out: the render server's `/auth/*` routes, which hold the session cookie. */

import { ApiError, asRecord, isAbortError, request, segment, send } from "./http";
import type { components } from "./schema";

/**
 * The signed-in user. `emailVerified` is false until they open the link we mailed to their
 * address; the session always says it, a sign-in answer may not. `role` is the render server's
 * reading of the session: "admin" shows the admin console's entry (the servers still decide).
 */
export type User = components["schemas"]["UserOut"] &
  Partial<Pick<components["schemas"]["AccountOut"], "emailVerified">> & { role?: string };

/** Whether the signed-in user may open the admin console. */
export function isAdmin(user: User | null | undefined): boolean {
  return user?.role === "admin";
}

/** What the server says after it mailed (or, neutrally, may have mailed) a link. */
export interface LinkSent {
  message: string;
  email: string;
}

/** A third-party sign-in provider the render server is configured with. */
export interface Provider {
  id: string;
  name: string;
}

/** The signed-in user, or null when there is no session (the server answers 200 either way). */
export async function getSession(signal?: AbortSignal): Promise<User | null> {
  try {
    const body = await request<{ signedIn?: boolean; user?: User } | null>("GET", "/auth/session", { signal });
    return body?.signedIn && body.user ? body.user : null;
  } catch (error) {
    // An older render server said 401 for "no session".
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** A second factor the sign-in waits for: which kinds of code, and for how many seconds. */
export interface CodeWanted {
  expiresIn: number;
  methods: string[];
}

/** How a sign-in went: signed in, or a code wanted (the render server holds the sign-in). */
export type SignInOutcome = { kind: "signed-in"; user: User } | { kind: "code"; wanted: CodeWanted };

/** A sign-in route's answer: 200 and the user, or 202 when a second factor must follow. */
async function signInRoute(path: string, body: unknown): Promise<SignInOutcome> {
  const answer = await send<unknown>("POST", path, { body, noStepUp: true });
  const record = asRecord(answer.body);
  if (answer.status === 202 && record.mfaRequired === true) {
    const methods = Array.isArray(record.methods) ? record.methods.filter((m): m is string => typeof m === "string") : [];
    return {
      kind: "code",
      wanted: { expiresIn: typeof record.expiresIn === "number" ? record.expiresIn : 300, methods },
    };
  }
  return { kind: "signed-in", user: record.user as User };
}

export async function signIn(email: string, password: string, rememberMe: boolean): Promise<SignInOutcome> {
  return signInRoute("/auth/sign-in", { email, password, rememberMe });
}

/** Finishes a sign-in that wanted a code: 6 digits from the authenticator app, or a recovery code. */
export async function signInWithCode(code: string): Promise<User> {
  const body = await request<{ user: User }>("POST", "/auth/sign-in/mfa", { body: { code }, noStepUp: true });
  return body.user;
}

/** Confirms it is the signed-in user (step-up) with their password; a code may follow. */
export async function reauthenticate(password: string): Promise<SignInOutcome> {
  return signInRoute("/auth/reauthenticate", { password });
}

/** A WebAuthn ceremony the server started: its token and the options for the browser. */
export interface PasskeyCeremony<Options> {
  ceremonyToken: string;
  options: Options;
}

/** Starts a passkey sign-in: the options for `navigator.credentials.get()`. */
export async function passkeySignInOptions<Options>(): Promise<PasskeyCeremony<Options>> {
  return request<PasskeyCeremony<Options>>("POST", "/auth/passkey/options", { body: {}, noStepUp: true });
}

/**
 * Signs in with the browser's answer to a passkey ceremony. With `reauthenticate` it confirms it
 * is the signed-in user (step-up): another account's passkey is refused.
 */
export async function signInWithPasskey(
  ceremonyToken: string,
  credential: unknown,
  options: { rememberMe?: boolean; reauthenticate?: boolean } = {},
): Promise<User> {
  const body = await request<{ user: User }>("POST", "/auth/sign-in/passkey", {
    body: {
      ceremonyToken,
      credential,
      rememberMe: options.rememberMe ?? false,
      reauthenticate: options.reauthenticate ?? false,
    },
    noStepUp: true,
  });
  return body.user;
}

function linkSent(body: unknown, email: string, fallback: string): LinkSent {
  const record = asRecord(body);
  return {
    message: typeof record.message === "string" && record.message ? record.message : fallback,
    email: typeof record.email === "string" && record.email ? record.email : email,
  };
}

/**
 * Creates the account; the server mails a link to confirm the address. Its answer is the same
 * whether or not the address already had an account (the owner of one gets a mail instead).
 */
export async function signUp(name: string, email: string, password: string): Promise<LinkSent> {
  const account: Pick<components["schemas"]["SignUp"], "name" | "email" | "password"> = {
    name,
    email,
    password,
  };
  const body = await request<unknown>("POST", "/auth/sign-up", { body: account });
  return linkSent(body, email, `We sent a link to ${email}. Open it to confirm your address.`);
}

/** Mails a new confirmation link: to `email`, or to the signed-in user's address. */
export async function resendVerification(email?: string): Promise<LinkSent> {
  const body = await request<unknown>("POST", "/auth/verify-email/resend", {
    body: email === undefined ? {} : { email },
  });
  return linkSent(body, email ?? "", "If your address still needs confirming, we sent a new link.");
}

/** Confirms an address with the token from its mail; the browser is signed in as that user. */
export async function verifyEmail(token: string): Promise<User> {
  const body = await request<{ user: User }>("POST", "/auth/verify-email", { body: { token } });
  return body.user;
}

/** Mails a password reset link; the answer never says whether the address has an account. */
export async function requestPasswordReset(email: string): Promise<LinkSent> {
  const body = await request<unknown>("POST", "/auth/password-reset", { body: { email } });
  return linkSent(body, email, `If an account uses ${email}, we sent a link to it.`);
}

/** Sets a new password with the token from a reset mail; the browser is signed in (after a code). */
export async function confirmPasswordReset(token: string, password: string, rememberMe: boolean): Promise<SignInOutcome> {
  return signInRoute("/auth/password-reset/confirm", { token, password, rememberMe });
}

export async function signOut(): Promise<void> {
  await request<unknown>("POST", "/auth/sign-out");
}

/** Ends every session of the account, this browser's too. */
export async function signOutEverywhere(): Promise<void> {
  await request<unknown>("POST", "/auth/sign-out-everywhere");
}

/**
 * Changes the password; other browsers are signed out, this one stays signed in (after a code,
 * when the account has a second factor).
 */
export async function changePassword(currentPassword: string, newPassword: string): Promise<SignInOutcome> {
  const answer = await send<unknown>("POST", "/auth/password", { body: { currentPassword, newPassword } });
  const record = asRecord(answer.body);
  if (answer.status === 202 && record.mfaRequired === true) {
    return { kind: "code", wanted: { expiresIn: Number(record.expiresIn) || 300, methods: [] } };
  }
  return { kind: "signed-in", user: record.user as User };
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
