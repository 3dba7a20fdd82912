"""Authentication: passwords, access tokens, signing keys, scopes and the current principal."""
