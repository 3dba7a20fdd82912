"""A real OpenID Provider (npm `oidc-provider`) on loopback for cinepass's tests; see README.md."""

from tests.oidc_provider.harness import Provider, ensure_installed, running_provider

__all__ = ["Provider", "ensure_installed", "running_provider"]
