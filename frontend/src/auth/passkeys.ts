/** The browser's side of WebAuthn (with @simplewebauthn/browser): sign in with, and add, a passkey. */

import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
  WebAuthnError,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";
import * as api from "../api";

export { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill };

/**
 * Signs in with a passkey. `autofill` waits quietly for the user to pick one from the email
 * field's suggestions (conditional mediation); `reauthenticate` confirms it is the signed-in user.
 */
export async function signInWithPasskey(
  options: { autofill?: boolean; rememberMe?: boolean; reauthenticate?: boolean } = {},
): Promise<api.User> {
  const ceremony = await api.passkeySignInOptions<PublicKeyCredentialRequestOptionsJSON>();
  const credential = await startAuthentication({
    optionsJSON: ceremony.options,
    useBrowserAutofill: options.autofill ?? false,
  });
  return api.signInWithPasskey(ceremony.ceremonyToken, credential, options);
}

/** Makes a passkey for the signed-in user and keeps it (a step-up may come first). */
export async function createPasskey(): Promise<api.Passkey | null> {
  const ceremony = await api.passkeyRegistrationOptions<PublicKeyCredentialCreationOptionsJSON>();
  const credential = await startRegistration({ optionsJSON: ceremony.options });
  return api.addPasskey(ceremony.ceremonyToken, credential);
}

/** Stops a waiting ceremony (the autofill one, when the page goes or a button starts another). */
export function cancelPasskeyRequest(): void {
  WebAuthnAbortService.cancelCeremony();
}

/** Whether the user closed the browser's passkey prompt (or it timed out): nothing to report. */
export function passkeyCancelled(error: unknown): boolean {
  const name = error instanceof WebAuthnError ? (error.cause as Error | undefined)?.name : (error as Error | undefined)?.name;
  return name === "NotAllowedError" || name === "AbortError" || (error instanceof WebAuthnError && error.code === "ERROR_CEREMONY_ABORTED");
}

/** What to tell the user when a passkey ceremony failed. */
export function passkeyMessage(error: unknown, fallback: string): string {
  if (error instanceof api.ApiError) return error.message;
  if (passkeyCancelled(error)) {
    return "No passkey was used: the request was cancelled, or this device has no passkey for cinepass.";
  }
  if (error instanceof WebAuthnError && error.code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") {
    return "This device already has a passkey for your account.";
  }
  return fallback;
}
