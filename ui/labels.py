"""Human labels for the codes the event table stores (ISO3 countries, CAMEO roots, quad classes)."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

QUAD_CLASSES = {1: "Verbal cooperation", 2: "Material cooperation", 3: "Verbal conflict",
                4: "Material conflict"}
_CAMEO_CODES = Path(__file__).resolve().parent.parent / "data" / "cameo" / "codes.csv"
# Short names where the CAMEO root's own label is long (lanes and legends are narrow).
_SHORT_ROOT_NAMES = {"03": "Intend to cooperate", "05": "Diplomatic cooperation",
                     "06": "Material cooperation", "15": "Force posture", "20": "Mass violence"}


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


@lru_cache(maxsize=1)
def root_names() -> dict[str, str]:
    """CAMEO root -> its name ("04" -> "Consult"), from data/cameo/codes.csv."""
    names: dict[str, str] = {}
    try:
        with _CAMEO_CODES.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = (row.get("code") or "").strip()
                if len(code) == 2 and code.isdigit():
                    names[code] = _SHORT_ROOT_NAMES.get(code, (row.get("label") or "").strip())
    except OSError:
        pass
    return names


def type_label(root: str) -> str:
    """How a CAMEO root appears in lists, lanes and legends: "04 Consult", "17 Coerce"."""
    if not root:
        return "(no type)"
    name = root_names().get(root, "")
    return f"{root} {name}" if name else f"CAMEO {root}"


def code_label(code: object) -> str:
    """A full CAMEO code with its root's name: "042 (04 Consult)"."""
    text = "" if code is None else str(code).strip()
    root = type_root(text)
    return f"{text} ({type_label(root)})" if root else (text or "—")
