/** The signed-in user's passkeys and two-step verification (an authenticator app's codes). */

import { ApiError, asRecord, request, segment } from "./http";
import type { PasskeyCeremony } from "./auth";

/** A passkey of the signed-in user. Dates are ISO 8601; `lastUsedAt` is null until its first use. */
export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
}

/** Whether two-step verification is on, since when, and how many recovery codes are left. */
export interface MfaStatus {
  totpEnabled: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
}

/** A new authenticator-app secret: as text, as an otpauth:// URI, and as a QR code (an SVG document). */
export interface TotpSetup {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

function data(body: unknown): unknown {
  return asRecord(body).data;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function asPasskey(item: unknown): Passkey[] {
  const record = asRecord(item);
  if (typeof record.id !== "string" || !record.id) return [];
  return [
    {
      id: record.id,
      name: text(record.name) || "Passkey",
      createdAt: text(record.createdAt),
      lastUsedAt: typeof record.lastUsedAt === "string" ? record.lastUsedAt : null,
      backedUp: record.backedUp === true,
    },
  ];
}

export async function listPasskeys(signal?: AbortSignal): Promise<Passkey[]> {
  const list = data(await request<unknown>("GET", "/api/auth/passkeys", { signal }));
  return Array.isArray(list) ? list.flatMap(asPasskey) : [];
}

/** Starts adding a passkey: the options for `navigator.credentials.create()`. */
export async function passkeyRegistrationOptions<Options>(): Promise<PasskeyCeremony<Options>> {
  const ceremony = asRecord(data(await request<unknown>("POST", "/api/auth/passkeys/registration", { body: {} })));
  return { ceremonyToken: text(ceremony.ceremonyToken), options: ceremony.options as Options };
}

/** Keeps the passkey the browser just made; `name` defaults to the authenticator's. */
export async function addPasskey(ceremonyToken: string, credential: unknown, name?: string): Promise<Passkey | null> {
  const body = { ceremonyToken, credential, ...(name ? { name } : {}) };
  const created = data(await request<unknown>("POST", "/api/auth/passkeys", { body }));
  return asPasskey(created)[0] ?? null;
}

export async function renamePasskey(id: string, name: string): Promise<Passkey | null> {
  const renamed = data(await request<unknown>("PATCH", `/api/auth/passkeys/${segment(id)}`, { body: { name } }));
  return asPasskey(renamed)[0] ?? null;
}

/** Removes a passkey; a 409 (the account's only way left to sign in) carries the reason. */
export async function removePasskey(id: string): Promise<void> {
  try {
    await request<unknown>("DELETE", `/api/auth/passkeys/${segment(id)}`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
}

export async function getMfaStatus(signal?: AbortSignal): Promise<MfaStatus> {
  const status = asRecord(data(await request<unknown>("GET", "/api/auth/mfa", { signal })));
  return {
    totpEnabled: status.totpEnabled === true,
    enabledAt: typeof status.enabledAt === "string" ? status.enabledAt : null,
    recoveryCodesLeft: typeof status.recoveryCodesLeft === "number" ? status.recoveryCodesLeft : 0,
  };
}

/** Starts turning on two-step verification: a new secret, used once the first code confirms it. */
export async function startTotp(): Promise<TotpSetup> {
  const setup = asRecord(data(await request<unknown>("POST", "/api/auth/mfa/totp", { body: {} })));
  return { secret: text(setup.secret), otpauthUri: text(setup.otpauthUri), qrSvg: text(setup.qrSvg) };
}

function codes(body: unknown): string[] {
  const list = asRecord(data(body)).codes;
  return Array.isArray(list) ? list.filter((code): code is string => typeof code === "string") : [];
}

/** Turns two-step verification on with the app's first code: the recovery codes, shown once. */
export async function confirmTotp(code: string): Promise<string[]> {
  return codes(await request<unknown>("POST", "/api/auth/mfa/totp/confirm", { body: { code } }));
}

/** Turns two-step verification off; `code` is from the app or a recovery code. */
export async function disableMfa(code: string): Promise<void> {
  await request<unknown>("POST", "/api/auth/mfa/disable", { body: { code } });
}

/** New recovery codes (the old ones stop working), shown once. */
export async function newRecoveryCodes(code: string): Promise<string[]> {
  return codes(await request<unknown>("POST", "/api/auth/mfa/recovery-codes", { body: { code } }));
}
