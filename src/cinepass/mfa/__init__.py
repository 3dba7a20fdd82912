"""The second factor: authenticator-app codes (TOTP, RFC 6238) and single-use recovery codes."""
