/**
 * The admin console's calls (`/api/admin/*` and the catalogue's writes), through the render
 * server, which sends them on for an admin's session only. Answers are read defensively: a
 * missing field is a default, never a crash.
 */

import { asRecord, request, segment } from "../api/http";
import type { Movie } from "../api/movies";
import type { components } from "../api/schema";

export type MovieInput = components["schemas"]["MovieCreate"];

/** One page of a keyset-paged list; `next` is the cursor of the page after it. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

function text(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

function optionalText(value: unknown): string | null {
  return typeof value === "string" && value ? value : null;
}

function list(body: unknown): unknown[] {
  const data = asRecord(body).data;
  return Array.isArray(data) ? data : [];
}

function nextCursor(body: unknown): string | null {
  return optionalText(asRecord(body).next);
}

function query(params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const encoded = search.toString();
  return encoded ? `?${encoded}` : "";
}

/* --- movies ------------------------------------------------------------------------------- */

export async function createMovie(movie: MovieInput): Promise<string> {
  const body = await request<unknown>("POST", "/api/movies", { body: movie });
  return text(asRecord(body).data);
}

export async function updateMovie(id: string, changes: Partial<MovieInput>): Promise<void> {
  await request<unknown>("PUT", `/api/movies/${segment(id)}`, { body: changes });
}

export async function deleteMovie(id: string): Promise<void> {
  await request<unknown>("DELETE", `/api/movies/${segment(id)}`);
}

export type { Movie };

/** A row the import could not take: its number (from 1, the header not counted) and why. */
export type ImportProblem = components["schemas"]["RowError"];

/** What an import did: films created, updated (with `update`), skipped, and the rows refused. */
export type ImportReport = components["schemas"]["ImportReportOut"];

function count(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

function readImportReport(body: unknown): ImportReport {
  const data = asRecord(asRecord(body).data);
  const errors = Array.isArray(data.errors) ? data.errors : [];
  return {
    created: count(data.created),
    updated: count(data.updated),
    skipped: count(data.skipped),
    errors: errors.map((item, index): ImportProblem => {
      const problem = asRecord(item);
      return { row: typeof problem.row === "number" ? problem.row : index + 1, message: text(problem.message) };
    }),
  };
}

/** Imports a CSV file's films; each row is reported (created, updated, skipped, or its problem). */
export async function importMovies(csv: string, update: boolean): Promise<ImportReport> {
  const body = await request<unknown>("POST", `/api/admin/movies/import${update ? "?update=true" : ""}`, {
    body: csv,
    contentType: "text/csv",
  });
  return readImportReport(body);
}

/* --- users -------------------------------------------------------------------------------- */

export type Role = components["schemas"]["Role"];
export type AdminUser = Pick<components["schemas"]["AdminUserOut"], "id" | "name" | "email" | "role" | "disabled" | "createdAt">;

function readUser(item: unknown): AdminUser | null {
  const user = asRecord(item);
  if (typeof user.id !== "string" || !user.id) return null;
  return {
    id: user.id,
    name: text(user.name),
    email: text(user.email),
    role: user.role === "admin" ? "admin" : "user",
    disabled: user.disabled === true,
    createdAt: text(user.createdAt),
  };
}

/** How many records a page of the console's lists holds. */
export const PAGE_SIZE = 20;

export async function listUsers(q: string, cursor: string | null, signal?: AbortSignal): Promise<Page<AdminUser>> {
  const params = query({ q: q.trim(), cursor, limit: String(PAGE_SIZE) });
  const body = await request<unknown>("GET", `/api/admin/users${params}`, { signal });
  return { items: list(body).flatMap((item) => readUser(item) ?? []), next: nextCursor(body) };
}

export async function changeUser(id: string, change: { disabled?: boolean; role?: Role }): Promise<AdminUser | null> {
  const body = await request<unknown>("PATCH", `/api/admin/users/${segment(id)}`, { body: change });
  return readUser(asRecord(body).data);
}

export interface UserSession {
  id: string;
  device: string;
  createdAt: string;
  lastUsedAt: string;
}

export async function listUserSessions(userId: string, signal?: AbortSignal): Promise<UserSession[]> {
  const body = await request<unknown>("GET", `/api/admin/users/${segment(userId)}/sessions`, { signal });
  return list(body).flatMap((item): UserSession[] => {
    const session = asRecord(item);
    if (typeof session.id !== "string" || !session.id) return [];
    return [
      {
        id: session.id,
        device: optionalText(session.device) ?? optionalText(session.userAgent) ?? "Unknown device",
        createdAt: text(session.createdAt),
        lastUsedAt: text(session.lastUsedAt),
      },
    ];
  });
}

export async function endUserSession(userId: string, sessionId: string): Promise<void> {
  await request<unknown>("DELETE", `/api/admin/users/${segment(userId)}/sessions/${segment(sessionId)}`);
}

export async function endUserSessions(userId: string): Promise<void> {
  await request<unknown>("DELETE", `/api/admin/users/${segment(userId)}/sessions`);
}

/* --- API keys ----------------------------------------------------------------------------- */

/** A key as the console lists it (`prefix`: the secret's first characters, to recognise it by). */
export type ApiKey = Pick<components["schemas"]["ApiKeyOut"], "id" | "name" | "prefix" | "scopes" | "createdAt"> & {
  revoked: boolean;
};

function readKey(item: unknown): ApiKey | null {
  const key = asRecord(item);
  if (typeof key.id !== "string" || !key.id) return null;
  const scopes = Array.isArray(key.scopes)
    ? key.scopes.filter((scope): scope is string => typeof scope === "string")
    : text(key.scope).split(" ").filter(Boolean);
  return {
    id: key.id,
    name: text(key.name),
    prefix: text(key.prefix),
    scopes,
    createdAt: text(key.createdAt),
    revoked: key.revoked === true || typeof key.revokedAt === "string",
  };
}

export async function listApiKeys(signal?: AbortSignal): Promise<ApiKey[]> {
  const body = await request<unknown>("GET", "/api/admin/api-keys", { signal });
  return list(body).flatMap((item) => readKey(item) ?? []);
}

export interface CreatedKey {
  key: ApiKey | null;
  /** The key's token: shown once, never again. */
  secret: string;
}

export async function createApiKey(name: string, scopes: { preset: string } | { scopes: string[] }): Promise<CreatedKey> {
  const body = await request<unknown>("POST", "/api/admin/api-keys", { body: { name, ...scopes } });
  const data = asRecord(asRecord(body).data);
  const secret = text(data.token);
  return { key: readKey(data), secret };
}

export async function revokeApiKey(id: string): Promise<void> {
  await request<unknown>("DELETE", `/api/admin/api-keys/${segment(id)}`);
}

/* --- audit log ---------------------------------------------------------------------------- */

export interface AuditEvent {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  reason: string | null;
  address: string | null;
  requestId: string | null;
}

function readEvent(item: unknown): AuditEvent | null {
  const event = asRecord(item);
  const id = event.id;
  if (typeof id !== "string" || !id) return null;
  const targetType = text(event.targetType);
  const targetId = text(event.targetId);
  return {
    id,
    at: text(event.at),
    actor:
      optionalText(event.actorUserId) ??
      (optionalText(event.actorApiKeyId) ? `API key ${text(event.actorApiKeyId)}` : "—"),
    action: text(event.action),
    target: [targetType, targetId].filter(Boolean).join(" ") || "—",
    outcome: text(event.outcome),
    reason: optionalText(event.reason),
    address: optionalText(event.address),
    requestId: optionalText(event.requestId),
  };
}

export interface AuditFilters {
  user: string;
  action: string;
  /** An ISO date-time, or "" for all time. */
  since: string;
}

export async function listAudit(filters: AuditFilters, cursor: string | null, signal?: AbortSignal): Promise<Page<AuditEvent>> {
  const params = query({
    user: filters.user.trim(),
    action: filters.action,
    since: filters.since,
    cursor,
    limit: String(PAGE_SIZE),
  });
  const body = await request<unknown>("GET", `/api/admin/audit${params}`, { signal });
  return { items: list(body).flatMap((item) => readEvent(item) ?? []), next: nextCursor(body) };
}
