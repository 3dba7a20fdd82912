"""A stand-in third-party issuer on loopback: discovery, JWKS, a key to sign ID tokens with any
claims (the well-behaved and the forged), and a token endpoint that, like a careless provider,
redeems the same authorization code as often as it is sent (`codes`)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass
class Issuer:
    url: str
    key: rsa.RSAPrivateKey
    kid: str
    audience: str = "cinepass-web"
    fetches: list[str] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)
    redeemed: list[str] = field(default_factory=list)

    def id_token(self, key: rsa.RSAPrivateKey | None = None, **claims: Any) -> str:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.url,
            "aud": self.audience,
            "sub": uuid.uuid4().hex,
            "iat": now,
            "exp": now + 300,
            "email": f"p-{uuid.uuid4().hex[:8]}@provider.example",
            "email_verified": True,
            "name": "Pat Provider",
        }
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": self.kid})


@contextmanager
def running_issuer() -> Iterator[Issuer]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = uuid.uuid4().hex[:8]
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    issuer: Issuer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            issuer.fetches.append(self.path)
            if self.path == "/.well-known/openid-configuration":
                body: dict[str, Any] = {
                    "issuer": issuer.url,
                    "jwks_uri": f"{issuer.url}/jwks",
                    "authorization_endpoint": f"{issuer.url}/authorize",
                    "token_endpoint": f"{issuer.url}/token",
                }
            elif self.path == "/jwks":
                body = {"keys": [jwk]}
            else:
                self.send_response(404)
                self.end_headers()
                return
            self._json(200, body)

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            code = form.get("code", [""])[0]
            id_token = issuer.codes.get(code) if self.path == "/token" else None
            if id_token is None:
                self._json(400, {"error": "invalid_grant"})
                return
            issuer.redeemed.append(code)
            self._json(200, {"id_token": id_token, "access_token": "at", "token_type": "Bearer"})

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    issuer = Issuer(url=f"http://127.0.0.1:{server.server_port}", key=key, kid=kid)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
