// A real OpenID Provider (the certified `oidc-provider` package) on loopback, for cinepass's tests.
//
//   OIDC_CLIENTS='[{"client_id":"cinepass","client_secret":"s3cret","redirect_uris":["http://127.0.0.1:8000/cb"]}]' \
//   OIDC_ACCOUNTS='[{"sub":"ada","email":"ada@example.com","name":"Ada Lovelace"}]' \
//   node provider.mjs --port 4000            # or OIDC_PORT=4000; --issuer / OIDC_ISSUER to override
//
// Prints exactly one line, "READY <issuer>", on stdout once it listens on 127.0.0.1; everything else
// goes to stderr. SIGTERM / SIGINT close it and exit 0. See README.md for the browser steps.

import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const SCOPES = ['openid', 'email', 'profile'];
const CLAIMS = { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] };
// A login id that makes the provider answer the client with error=access_denied.
const DENY_LOGIN = 'deny';

function fail(message) {
  console.error(`provider.mjs: ${message}`);
  process.exit(2);
}

function jsonEnv(name) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') fail(`${name} is not set (a JSON array)`);
  let value;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    fail(`${name} is not valid JSON: ${err.message}`);
  }
  if (!Array.isArray(value)) fail(`${name} must be a JSON array`);
  return value;
}

function requireFields(name, items, fields) {
  items.forEach((item, i) => {
    for (const field of fields) {
      if (item?.[field] === undefined || item[field] === '') fail(`${name}[${i}] lacks "${field}"`);
    }
  });
}

const { values: args } = parseArgs({
  options: { port: { type: 'string' }, issuer: { type: 'string' } },
});
const port = Number(args.port ?? process.env.OIDC_PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail('give a port: --port N or OIDC_PORT');
const issuer = args.issuer ?? process.env.OIDC_ISSUER ?? `http://127.0.0.1:${port}`;
const autoConsent = process.env.OIDC_AUTO_CONSENT !== '0';

const clientList = jsonEnv('OIDC_CLIENTS');
requireFields('OIDC_CLIENTS', clientList, ['client_id', 'client_secret', 'redirect_uris']);
const clients = clientList.map((client) => ({
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  ...client, // further client metadata (e.g. post_logout_redirect_uris) passes through
}));

const accountList = jsonEnv('OIDC_ACCOUNTS');
requireFields('OIDC_ACCOUNTS', accountList, ['sub', 'email', 'name']);
const accountsBySub = new Map(accountList.map((a) => [String(a.sub), a]));
const accountsByEmail = new Map(accountList.map((a) => [String(a.email).toLowerCase(), a]));

function lookUp(login) {
  const id = String(login ?? '').trim();
  return accountsBySub.get(id) ?? accountsByEmail.get(id.toLowerCase());
}

async function findAccount(ctx, id) {
  const account = accountsBySub.get(id);
  if (!account) return undefined; // unknown subjects are refused, never invented
  return {
    accountId: String(account.sub),
    async claims() {
      return {
        sub: String(account.sub),
        email: account.email,
        email_verified: account.email_verified ?? true,
        name: account.name,
      };
    },
  };
}

// Automatic consent: a first sign-in grants our clients every scope and claim they may ask for.
async function loadExistingGrant(ctx) {
  const { oidc } = ctx;
  const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
  if (grantId) {
    const grant = await oidc.provider.Grant.find(grantId);
    if (grant) return grant;
  }
  if (!autoConsent) return undefined;
  const grant = new oidc.provider.Grant({
    clientId: oidc.client.clientId,
    accountId: oidc.session.accountId,
  });
  grant.addOIDCScope(SCOPES.join(' '));
  grant.addOIDCClaims(Object.values(CLAIMS).flat());
  await grant.save();
  return grant;
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

const providerMajor = Number(
  createRequire(import.meta.url)('oidc-provider/package.json').version.split('.')[0],
);

const provider = new Provider(issuer, {
  clients,
  findAccount,
  loadExistingGrant,
  scopes: SCOPES,
  claims: CLAIMS,
  responseTypes: ['code'],
  // With response_type=code the spec puts scope claims only in /userinfo; we want them in the
  // ID token as well (email, email_verified, name).
  conformIdTokenClaims: false,
  // 9.x only knows S256 and has no `methods` option; 8.x defaults to ['S256'] and we pin it.
  pkce: { required: () => true, ...(providerMajor < 9 ? { methods: ['S256'] } : {}) },
  jwks: { keys: [signingKey] },
  // Plain http on loopback: no `secure` cookie flag (koa would refuse it over http), SameSite=Lax.
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
});
provider.proxy = false; // trust no X-Forwarded-* headers: the issuer is plain http://127.0.0.1
provider.on('server_error', (ctx, err) => console.error('oidc-provider server_error:', err));

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 64 * 1024) reject(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);

// Runs before oidc-provider's own routes. The devInteractions pages (GET /interaction/:uid and the
// "[ Cancel ]" link GET /interaction/:uid/abort) stay built in; their form submissions are handled
// here so that the login id is checked against OIDC_ACCOUNTS (sub or email) and "deny" is refused.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
  if (!match || ctx.method !== 'POST') {
    await next();
    if (match && ctx.method === 'GET' && typeof ctx.body === 'string') {
      // Keep the pages hermetic: the built-in layout @imports a Google font.
      let html = ctx.body.replace(/^\s*@import url\(https:\/\/fonts\.googleapis\.com[^\n]*\n/m, '');
      const unknown = ctx.query.unknown_login;
      if (unknown !== undefined) {
        const notice = `<p class="login-error" role="alert">Unknown login: ${escapeHtml(unknown)}</p>`;
        html = html.replace(/(<h1>[^<]*<\/h1>)/, `$1\n      ${notice}`);
      }
      ctx.body = html;
    }
    return;
  }

  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const body = new URLSearchParams(await readBody(ctx.req));
  const prompt = body.get('prompt');
  if (prompt !== details.prompt.name) ctx.throw(400, `expected a "${details.prompt.name}" submission`);

  let result;
  let merge = false;
  if (prompt === 'login') {
    const login = (body.get('login') ?? '').trim();
    const account = lookUp(login);
    if (login.toLowerCase() === DENY_LOGIN) {
      result = { error: 'access_denied', error_description: 'End-User denied the sign-in' };
    } else if (!account) {
      ctx.status = 303; // koa's redirect() keeps a 3xx status that is already set
      ctx.redirect(`${ctx.path}?unknown_login=${encodeURIComponent(login)}`);
      return;
    } else {
      result = { login: { accountId: String(account.sub) } };
    }
  } else if (prompt === 'consent') {
    const { grantId, session, params } = details;
    const missing = details.prompt.details;
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    result = { consent: { grantId: await grant.save() } };
    merge = true;
  } else {
    ctx.throw(400, 'unsupported prompt');
  }

  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: merge,
  });
  ctx.status = 303;
  ctx.redirect(returnTo);
});

const server = createServer(provider.callback());
server.on('error', (err) => fail(`cannot listen on 127.0.0.1:${port}: ${err.message}`));
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`READY ${issuer}\n`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
