"""Passkeys: WebAuthn credentials that sign in on their own, with no password."""
