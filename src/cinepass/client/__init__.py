"""The typed HTTP client for the cinepass API, shared by the admin CLI and the render server."""

from cinepass.client.client import (
    ApiError,
    ApiUnreachable,
    CinepassClient,
    Forwarded,
    PasskeyCeremony,
    SecondFactorNeeded,
    SignedInTokens,
    VerifiedEmail,
)

__all__ = [
    "ApiError",
    "ApiUnreachable",
    "CinepassClient",
    "Forwarded",
    "PasskeyCeremony",
    "SecondFactorNeeded",
    "SignedInTokens",
    "VerifiedEmail",
]
