/**
 * The one module that talks to the network: the render server's JSON contract, same origin only.
 *
 * The session lives in an httpOnly cookie the SPA never sees; nothing here stores a token.
 * Every state-changing request carries the CSRF header the render server requires.
 */

export interface User {
  id: string;
  name: string;
  email: string;
}

export interface Movie {
  id: string;
  title: string;
  year: number;
  cover: string;
  description: string;
  /** Minutes. */
  duration: number;
  contentRating: string;
  source: string;
  tags: string[];
}

export interface UserMovie {
  id: string;
  userId: string;
  movieId: string;
  movie: Movie;
}

export interface MoviePage {
  data: Movie[];
  next: string | null;
}

export interface MovieQuery {
  q?: string;
  tags?: string[];
  limit?: number;
  cursor?: string | null;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface Provider {
  id: string;
  name: string;
}

/** A third-party sign-in (an OpenID Connect issuer + subject) linked to the signed-in user. */
export interface Identity {
  id: string;
  issuer: string;
  subject: string;
  email: string | null;
  /** The provider's id when the server knows which configured provider it came from. */
  provider: string | null;
  /** ISO 8601. */
  createdAt: string;
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

const CSRF_HEADER = "X-Cinepass-CSRF";

export const OFFLINE_MESSAGE = "We can't reach cinepass. Check your connection and try again.";
export const UNAVAILABLE_MESSAGE =
  "cinepass is temporarily unavailable. Please try again in a moment.";

/** A failed request, shaped like the server's `{"statusCode","error","message"}` envelope. */
export class ApiError extends Error {
  readonly status: number;
  readonly error: string;
  readonly details: FieldError[];
  /** Seconds, from a 429's Retry-After header. */
  readonly retryAfter: number | null;

  constructor(
    status: number,
    error: string,
    message: string,
    details: FieldError[] = [],
    retryAfter: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.error = error;
    this.details = details;
    this.retryAfter = retryAfter;
  }

  /** The network or the API behind the render server is down: worth a retry. */
  get unavailable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

let sessionEndedListener: (() => void) | null = null;

/** Called when an /api/* request answers 401: the session has ended. Returns an unsubscribe. */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListener = listener;
  return () => {
    if (sessionEndedListener === listener) sessionEndedListener = null;
  };
}

async function readJson(response: Response): Promise<unknown> {
  const type = response.headers.get("Content-Type") ?? "";
  if (!type.includes("json")) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

function parseDetails(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const { field, message } = asRecord(item);
    return typeof field === "string" && typeof message === "string" ? [{ field, message }] : [];
  });
}

function parseRetryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function toApiError(response: Response, payload: unknown): ApiError {
  const body = asRecord(payload);
  const status = response.status;
  const error = typeof body.error === "string" ? body.error : response.statusText || "Error";
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
  let message = typeof body.message === "string" && body.message ? body.message : "";
  if (status === 502 || status === 503 || status === 504) {
    message = UNAVAILABLE_MESSAGE;
  } else if (!message) {
    message =
      status === 429
        ? `Too many attempts. Try again${retryAfter ? ` in ${retryAfter} seconds` : " later"}.`
        : status >= 500
          ? "Something went wrong on our side. Please try again."
          : "The request could not be completed.";
  }
  return new ApiError(status, error, message, parseDetails(body.details), retryAfter);
}

async function request<T>(
  method: Method,
  path: string,
  options: { body?: unknown; signal?: AbortSignal | undefined } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers[CSRF_HEADER] = "1";
  if (options.body !== undefined) headers["Content-Type"] = "application/json";

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      credentials: "same-origin",
      cache: "no-store",
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new ApiError(0, "Network Error", OFFLINE_MESSAGE);
  }

  const payload = await readJson(response);
  if (response.ok) return payload as T;
  const error = toApiError(response, payload);
  if (response.status === 401 && path.startsWith("/api/")) sessionEndedListener?.();
  throw error;
}

function segment(id: string): string {
  return encodeURIComponent(id);
}

// --- auth ---------------------------------------------------------------------------------

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
  const body = await request<{ message?: string } | null>("POST", "/auth/sign-up", {
    body: { name, email, password },
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

function optionalString(value: unknown): string | null {
  return typeof value === "string" && value ? value : null;
}

/** The providers linked to the signed-in user. */
export async function listIdentities(signal?: AbortSignal): Promise<Identity[]> {
  const body = await request<{ data?: unknown }>("GET", "/api/auth/identities", { signal });
  const list = Array.isArray(body?.data) ? body.data : [];
  return list.flatMap((item) => {
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

// --- movies -------------------------------------------------------------------------------

export async function listMovies(query: MovieQuery, signal?: AbortSignal): Promise<MoviePage> {
  const params = new URLSearchParams();
  if (query.q?.trim()) params.set("q", query.q.trim());
  for (const tag of query.tags ?? []) params.append("tags", tag);
  params.set("limit", String(query.limit ?? 20));
  if (query.cursor) params.set("cursor", query.cursor);
  const body = await request<{ data?: Movie[]; next?: string | null }>(
    "GET",
    `/api/movies?${params.toString()}`,
    { signal },
  );
  return { data: body?.data ?? [], next: body?.next ?? null };
}

export async function getMovie(id: string, signal?: AbortSignal): Promise<Movie> {
  const body = await request<{ data: Movie }>("GET", `/api/movies/${segment(id)}`, { signal });
  return body.data;
}

// --- my list ------------------------------------------------------------------------------

export async function listUserMovies(signal?: AbortSignal): Promise<UserMovie[]> {
  const body = await request<{ data?: UserMovie[] }>("GET", "/api/user-movies", { signal });
  return body?.data ?? [];
}

/** Adds a movie to the user's list; resolves with the list entry's id. */
export async function addUserMovie(movieId: string): Promise<string> {
  const body = await request<{ data: string }>("POST", "/api/user-movies", { body: { movieId } });
  return body.data;
}

export async function removeUserMovie(entryId: string): Promise<void> {
  await request<unknown>("DELETE", `/api/user-movies/${segment(entryId)}`);
}
