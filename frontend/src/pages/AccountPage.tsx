import { useEffect, useMemo, useRef, useState } from "react";
import { useLocation, useSearchParams } from "react-router";
import * as api from "../api";
import { useAuth } from "../auth/AuthContext";
import type { FocusHeadingState } from "../components/AccountMenu";
import { Avatar } from "../components/Avatar";
import { ErrorState } from "../components/ErrorState";
import { AlertIcon, CheckIcon, LinkIcon } from "../components/Icons";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import "../styles/account.css";
import { EmailSection } from "./account/EmailSection";
import { PasskeysSection } from "./account/PasskeysSection";
import { PasswordSection } from "./account/PasswordSection";
import { SessionsSection } from "./account/SessionsSection";
import { TwoStepSection } from "./account/TwoStepSection";

const MAX_URL_ERROR_LENGTH = 300;
const MAX_PROVIDER_ID_LENGTH = 64;

type IdentitiesState =
  | { status: "loading" }
  | { status: "ready"; identities: api.Identity[] }
  | { status: "error"; error: api.ApiError };

/** A success line: a provider just linked (from the server's redirect) or just unlinked. */
type Notice = { kind: "linked"; providerId: string } | { kind: "unlinked"; name: string };

/** What the server's redirect after a link says: `?linked=<provider id>` or `?error=<text>`. */
function readRedirect(params: URLSearchParams): { notice: Notice | null; error: string | null } {
  const linked = (params.get("linked") ?? "").trim().slice(0, MAX_PROVIDER_ID_LENGTH);
  const error = (params.get("error") ?? "").trim().slice(0, MAX_URL_ERROR_LENGTH);
  return {
    notice: linked && !error ? { kind: "linked", providerId: linked } : null,
    error: error || null,
  };
}

/** "https://accounts.example.com/realms/x" -> "accounts.example.com". */
export function issuerHost(issuer: string): string {
  try {
    return new URL(issuer).host || issuer;
  } catch {
    return issuer;
  }
}

/** The configured provider's name when the identity names a known provider, else its issuer. */
function identityName(identity: api.Identity, providers: Map<string, api.Provider>): string {
  const provider = identity.provider ? providers.get(identity.provider) : undefined;
  return provider?.name ?? issuerHost(identity.issuer);
}

function formatDate(iso: string): string | null {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(date);
}

export function AccountPage() {
  useDocumentTitle("Account");
  const { user } = useAuth();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const heading = useRef<HTMLHeadingElement>(null);
  const methodsHeading = useRef<HTMLHeadingElement>(null);

  const [notice, setNotice] = useState<Notice | null>(() => readRedirect(params).notice);
  const [error, setError] = useState<string | null>(() => readRedirect(params).error);
  const [identities, setIdentities] = useState<IdentitiesState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [providers, setProviders] = useState<api.Provider[] | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  // Bumped when a change (a new password) signs other sessions out: the list reads them again.
  const [sessionsVersion, setSessionsVersion] = useState(0);

  // Coming from the account menu: start reading here, not on the body.
  useEffect(() => {
    if ((location.state as FocusHeadingState | null)?.focusHeading) heading.current?.focus();
  }, [location.state]);

  // Show the redirect's message once, then drop it from the address so a reload doesn't repeat it.
  useEffect(() => {
    if (!params.has("linked") && !params.has("error")) return;
    const redirect = readRedirect(params);
    setNotice(redirect.notice);
    setError(redirect.error);
    const rest = new URLSearchParams(params);
    rest.delete("linked");
    rest.delete("error");
    setParams(rest, { replace: true });
  }, [params, setParams]);

  useEffect(() => {
    const controller = new AbortController();
    api
      .getProviders(controller.signal)
      .then(setProviders)
      .catch((err: unknown) => {
        if (!api.isAbortError(err)) setProviders([]);
      });
    return () => controller.abort();
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    setIdentities({ status: "loading" });
    api
      .listIdentities(controller.signal)
      .then((list) => setIdentities({ status: "ready", identities: list }))
      .catch((err: unknown) => {
        if (api.isAbortError(err)) return;
        setIdentities({
          status: "error",
          error: api.asApiError(err),
        });
      });
    return () => controller.abort();
  }, [attempt]);

  const providersById = useMemo(
    () => new Map((providers ?? []).map((provider) => [provider.id, provider])),
    [providers],
  );

  if (!user) return null;

  const unlink = async (identity: api.Identity, name: string) => {
    if (busyId) return;
    setBusyId(identity.id);
    setNotice(null);
    setError(null);
    try {
      await api.unlinkIdentity(identity.id);
    } catch (err) {
      setBusyId(null);
      setError(api.asApiError(err).message);
      return;
    }
    setBusyId(null);
    setIdentities((current) =>
      current.status === "ready"
        ? { status: "ready", identities: current.identities.filter((item) => item.id !== identity.id) }
        : current,
    );
    setNotice({ kind: "unlinked", name });
    // The button is gone: keep the keyboard in the same section.
    methodsHeading.current?.focus();
  };

  const noticeText =
    notice?.kind === "linked"
      ? `${providersById.get(notice.providerId)?.name ?? notice.providerId} is now linked. You can use it to sign in.`
      : notice?.kind === "unlinked"
        ? `${notice.name} is unlinked. You can no longer use it to sign in.`
        : null;

  const linkedProviderIds = new Set(
    identities.status === "ready" ? identities.identities.flatMap((item) => (item.provider ? [item.provider] : [])) : [],
  );
  const linkable =
    identities.status === "ready" && providers ? providers.filter((provider) => !linkedProviderIds.has(provider.id)) : [];

  // No provider configured and none linked: the section would only ever be empty.
  const showMethods = !(
    providers !== null &&
    providers.length === 0 &&
    identities.status === "ready" &&
    identities.identities.length === 0
  );

  return (
    <div className="account-page">
      <h1 className="account-page__title" id="account-title" ref={heading} tabIndex={-1}>
        Account
      </h1>

      <div className="account-page__messages">
        <div role="status">
          {noticeText && (
            <p className="notice" data-testid="account-notice">
              <CheckIcon />
              <span>{noticeText}</span>
            </p>
          )}
        </div>
        <div role="alert">
          {error && (
            <div className="notice notice--error" data-testid="account-error">
              <AlertIcon />
              <p>{error}</p>
            </div>
          )}
        </div>
      </div>

      <section className="panel" aria-labelledby="profile-title">
        <h2 className="panel__title" id="profile-title">
          Profile
        </h2>
        <div className="profile">
          <Avatar name={user.name} email={user.email} seed={user.id || user.email} size="lg" />
          <dl className="profile__facts">
            <div className="profile__fact">
              <dt>Name</dt>
              <dd data-testid="account-name">{user.name}</dd>
            </div>
            <div className="profile__fact">
              <dt>Email</dt>
              <dd data-testid="account-email">
                {user.email}
                {user.emailVerified === false && <span className="badge badge--warning">Not confirmed</span>}
              </dd>
            </div>
          </dl>
        </div>
      </section>

      <PasswordSection onChanged={() => setSessionsVersion((n) => n + 1)} />
      <EmailSection email={user.email} />
      <PasskeysSection />
      <TwoStepSection />
      <SessionsSection version={sessionsVersion} />

      {showMethods && (
        <section className="panel" aria-labelledby="methods-title" data-testid="sign-in-methods">
          <h2 className="panel__title" id="methods-title" ref={methodsHeading} tabIndex={-1}>
            Sign-in methods
          </h2>
          <p className="panel__hint">Accounts from other providers that you can use to sign in to cinepass.</p>

          {identities.status === "loading" && <IdentitiesSkeleton />}
          {identities.status === "error" && (
            <ErrorState
              compact
              title="We couldn't load your sign-in methods"
              message={identities.error.message}
              onRetry={() => setAttempt((n) => n + 1)}
            />
          )}
          {identities.status === "ready" &&
            (identities.identities.length === 0 ? (
              <p className="identities__empty">No provider is linked to your account yet.</p>
            ) : (
              <ul className="identities" aria-labelledby="methods-title">
                {identities.identities.map((identity) => {
                  const name = identityName(identity, providersById);
                  const since = formatDate(identity.createdAt);
                  const detailsId = `identity-${identity.id}-details`;
                  const busy = busyId === identity.id;
                  return (
                    <li key={identity.id} className="identity" data-testid="identity">
                      <Avatar name={name} email="" seed={identity.provider ?? identity.issuer} />
                      <div className="identity__text">
                        <p className="identity__name">{name}</p>
                        <p className="identity__details" id={detailsId}>
                          {identity.email && <span className="identity__email">{identity.email}</span>}
                          {since && (
                            <span>
                              Linked <time dateTime={identity.createdAt}>{since}</time>
                            </span>
                          )}
                        </p>
                      </div>
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        aria-describedby={detailsId}
                        aria-busy={busy || undefined}
                        aria-disabled={(busyId !== null && !busy) || undefined}
                        onClick={() => void unlink(identity, name)}
                      >
                        {busy && <span className="spinner spinner--small" aria-hidden="true" />}
                        Unlink {name}
                      </button>
                    </li>
                  );
                })}
              </ul>
            ))}

          {linkable.length > 0 && (
            <div className="link-providers" data-testid="link-providers">
              <h3 className="link-providers__title">Link another provider</h3>
              <p className="panel__hint">You'll sign in with the provider, then come back here.</p>
              <div className="link-providers__list">
                {linkable.map((provider) => (
                  <a key={provider.id} className="button button--secondary" href={api.providerLinkUrl(provider)}>
                    <LinkIcon />
                    Link {provider.name}
                  </a>
                ))}
              </div>
            </div>
          )}
        </section>
      )}
    </div>
  );
}

function IdentitiesSkeleton() {
  return (
    <div className="identities identities--loading" aria-busy="true" aria-label="Loading sign-in methods">
      {[0, 1].map((n) => (
        <div key={n} className="identity" aria-hidden="true">
          <span className="avatar skeleton" />
          <div className="identity__text">
            <div className="skeleton skeleton--line skeleton--short" />
            <div className="skeleton skeleton--line" />
          </div>
        </div>
      ))}
    </div>
  );
}
