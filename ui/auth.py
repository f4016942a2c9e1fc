"""Who may add articles: everyone on a local run, only holders of the editor secret on a shared one."""
from __future__ import annotations

import hmac
from typing import Mapping

SECRET_ENV = "TIMELINE_EDITOR_SECRET"
SECRET_KEY = "editor_secret"


def editor_secret(environ: Mapping[str, str], secrets: Mapping | None = None) -> str:
    """The configured editor secret ("" when none: adding is open to everyone)."""
    value = environ.get(SECRET_ENV, "")
    if not value and secrets is not None:
        try:
            value = str(secrets.get(SECRET_KEY, "") or "")
        except Exception:  # a missing or broken secrets.toml means "no secret configured"
            value = ""
    return value.strip()


def may_add(secret: str, supplied: str) -> bool:
    """True when no secret is configured or ``supplied`` matches it (constant-time compare)."""
    if not secret:
        return True
    return hmac.compare_digest(secret.encode("utf-8"), (supplied or "").strip().encode("utf-8"))
