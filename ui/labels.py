"""Human labels for the codes the event table stores (ISO3 countries, CAMEO roots, quad classes)."""
from __future__ import annotations

from functools import lru_cache

QUAD_CLASSES = {1: "Verbal cooperation", 2: "Material cooperation", 3: "Verbal conflict",
                4: "Material conflict"}


@lru_cache(maxsize=4096)
def country_name(code: str) -> str:
    """The short English name of an ISO 3166-1 alpha-3 code (the code itself when unknown)."""
    try:
        import pycountry
        found = pycountry.countries.get(alpha_3=code)
    except (KeyError, LookupError, ImportError):
        found = None
    if found is None:
        return code
    return getattr(found, "common_name", None) or found.name


def country_option(code: str) -> str:
    """How a country appears in a list: name with its code, e.g. "Canada (CAN)"."""
    name = country_name(code)
    return code if name == code else f"{name} ({code})"


def type_root(code: object) -> str:
    """The two-digit CAMEO root of an event code ("042" -> "04"; "" when there is none)."""
    text = "" if code is None else str(code).strip()
    return text[:2] if len(text) >= 2 and text[:2].isdigit() else ""


def type_label(root: str) -> str:
    """How a CAMEO root appears in lists and lanes: "CAMEO 04"."""
    return f"CAMEO {root}" if root else "(no type)"
