/**
 * The one module that calls `fetch`: the render server's JSON contract, same origin only.
 *
 * The session lives in an httpOnly cookie the SPA never sees; nothing here stores a token.
 * Every state-changing request carries the CSRF header the render server requires.
 */

import type { components } from "./schema";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const CSRF_HEADER = "X-Cinepass-CSRF";

export const OFFLINE_MESSAGE = "We can't reach cinepass. Check your connection and try again.";
export const UNAVAILABLE_MESSAGE =
  "cinepass is temporarily unavailable. Please try again in a moment.";

/** One entry of an error's `details`: which field, and what is wrong with it. */
export type FieldError = Pick<components["schemas"]["ErrorDetail"], "field" | "message">;

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

/**
 * Any failure as an `ApiError`: the one the server answered, or, for anything else (the network,
 * a bug), one with status 0 and `fallback` as its message.
 */
export function asApiError(error: unknown, fallback: string = OFFLINE_MESSAGE): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, "Error", fallback);
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** The body's `error` of a 403 that asks for a more recent sign-in (RFC 9470). */
export const STEP_UP_ERROR = "insufficient_user_authentication";

let stepUpHandler: (() => Promise<boolean>) | null = null;

/**
 * Called when a request answers 403 `insufficient_user_authentication`: resolves true once the
 * user confirmed it is them (the request is then sent again), false when they gave up.
 * Returns an unsubscribe.
 */
export function onStepUp(handler: () => Promise<boolean>): () => void {
  stepUpHandler = handler;
  return () => {
    if (stepUpHandler === handler) stepUpHandler = null;
  };
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

export function asRecord(value: unknown): Record<string, unknown> {
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

export interface RequestOptions {
  body?: unknown;
  /** Send `body` (a string) as it is, with this type (a CSV file), instead of as JSON. */
  contentType?: string;
  signal?: AbortSignal | undefined;
  /** Leave a step-up refusal to the caller (the step-up dialog's own requests). */
  noStepUp?: boolean;
  /** Let the request outlive the page (a last save as the user leaves it). */
  keepalive?: boolean;
}

/** The answer's status and body, for routes whose success comes in more than one shape. */
export interface Answer<T> {
  status: number;
  body: T;
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  return (await send<T>(method, path, options)).body;
}

export async function send<T>(method: Method, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers[CSRF_HEADER] = "1";
  if (options.body !== undefined) headers["Content-Type"] = options.contentType ?? "application/json";
  const raw = options.contentType !== undefined && typeof options.body === "string";

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? null : raw ? (options.body as string) : JSON.stringify(options.body),
      credentials: "same-origin",
      cache: "no-store",
      signal: options.signal ?? null,
      keepalive: options.keepalive ?? false,
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new ApiError(0, "Network Error", OFFLINE_MESSAGE);
  }

  const payload = await readJson(response);
  if (response.ok) return { status: response.status, body: payload as T };
  const error = toApiError(response, payload);
  if (response.status === 403 && error.error === STEP_UP_ERROR && stepUpHandler && !options.noStepUp) {
    // Confirmed: the same request again, once (a second refusal goes to the caller).
    if (await stepUpHandler()) return send<T>(method, path, { ...options, noStepUp: true });
  }
  if (response.status === 401 && path.startsWith("/api/")) sessionEndedListener?.();
  throw error;
}

/** One path segment: an id never changes the path it is put in. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}
