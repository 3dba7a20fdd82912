"""Third-party sign-in: the render server as a confidential OpenID Connect client.

Authorization code flow with PKCE (S256), `state` and `nonce` bound to this browser in a
short-lived sealed cookie (SameSite=Lax: it must survive the redirect back), and an exact
redirect URI. The provider's ID token is checked here (signature, iss, aud, exp, nonce) and
again by the API, which alone decides who it signs in as.

    return_to.py   where the browser may be sent back to
    id_tokens.py   checking a provider's ID token (PyJWT, as the API does)
    providers.py   each provider's discovery document, keys and token endpoint
    routes.py      /auth/providers, /auth/oidc/{id}/login and /callback
"""
