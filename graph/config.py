"""Settings from the environment, then from a ``.env`` file in the working directory.

>>> s = Settings.from_env({"KG_BACKEND": "neo4j", "NEO4J_URI": "bolt://db:7687"}, dotenv={})
>>> (s.backend, s.neo4j_uri, s.neo4j_username)
('neo4j', 'bolt://db:7687', 'neo4j')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

Backend = Literal["embedded", "neo4j"]


def read_dotenv(path: Path = Path(".env")) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments skipped, surrounding quotes removed."""
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return out
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key.strip()] = value
    return out


def redact(uri: str) -> str:
    """A URI fit to print: any user and password in it replaced by ``***``.

    >>> redact("bolt://neo4j:s3cret@db:7687"), redact("bolt://db:7687")
    ('bolt://***@db:7687', 'bolt://db:7687')
    """
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return "***" if "@" in uri else uri
    netloc, slash, path = rest.partition("/")
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    return f"{scheme}://{netloc}{slash}{path}"


class Settings(BaseModel):
    backend: Backend = "embedded"
    store: Path = Path(".kg")
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_username: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dotenv: Mapping[str, str] | None = None) -> Settings:
        env = dict(read_dotenv() if dotenv is None else dotenv)
        env.update(os.environ if environ is None else environ)
        fields = {
            "backend": "KG_BACKEND",
            "store": "KG_STORE",
            "neo4j_uri": "NEO4J_URI",
            "neo4j_username": "NEO4J_USERNAME",
            "neo4j_password": "NEO4J_PASSWORD",
            "neo4j_database": "NEO4J_DATABASE",
        }
        return cls(**{f: env[v] for f, v in fields.items() if env.get(v)})
