"""Reference data of data/reference/ that every stage shares: SKD 2008 divisions, municipalities and
the taxonomy file as written (names and codes).

Loaded once and cached. The taxonomy's terms, normalised for classification, are matching's
(matching/taxonomy.py).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from fundscout.config import DATA_DIR

REFERENCE_DIR = DATA_DIR / "reference"


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, Any]:
    """data/reference/taxonomy.yaml as written."""
    return yaml.safe_load((REFERENCE_DIR / "taxonomy.yaml").read_text(encoding="utf-8"))


def domain_s4_areas(domain: str) -> tuple[str, ...]:
    """Codes of the S4 areas (2014–2020) a smart-city domain belongs to."""
    return tuple(taxonomy()["domains"][domain].get("s4", []))


def s4_area_names() -> dict[str, tuple[str, str]]:
    """S4 area code -> (Slovenian, English) name."""
    return {str(code): (e["sl"], e["en"]) for code, e in taxonomy()["s4_areas"].items()}


# --- SKD 2008 -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Division:
    code: str
    section: str
    sl: str
    en: str
    s4: tuple[str, ...]


@lru_cache(maxsize=1)
def nace_divisions() -> dict[str, Division]:
    with (REFERENCE_DIR / "nace_divisions.csv").open(encoding="utf-8") as f:
        return {
            r["division"]: Division(
                r["division"], r["section"], r["name_sl"], r["name_en"], tuple(s for s in r["s4_areas"].split(";") if s)
            )
            for r in csv.DictReader(f)
        }


# --- municipalities ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    statistical_region: str
    cohesion_region: str  # "west" / "east" (fundscout.fields.COHESION_REGIONS)


def municipality_key(name: str) -> str:
    """Spelling-tolerant key: case, spacing around hyphens and 'Občina'/'MO' prefixes ignored."""
    key = " ".join(name.lower().replace("–", "-").split())
    key = key.replace(" - ", "-").replace(" -", "-").replace("- ", "-")
    for prefix in ("mestna občina ", "občina ", "mo "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key


@lru_cache(maxsize=1)
def municipalities() -> dict[str, Municipality]:
    """Municipality by spelling-tolerant key (official name and aliases)."""
    out: dict[str, Municipality] = {}
    with (REFERENCE_DIR / "municipalities.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            m = Municipality(row["code"], row["name"], row["statistical_region"], row["cohesion_region"])
            for name in [row["name"], *filter(None, row["aliases"].split(";"))]:
                out[municipality_key(name)] = m
    return out


@lru_cache(maxsize=4096)
def find_municipality(name: str) -> Municipality | None:
    return municipalities().get(municipality_key(name))


# --- sources of money that are not EU funds ------------------------------------------------------


@dataclass(frozen=True)
class NamedFund:
    sl: str
    en: str
    kind: str  # national | municipal | foreign
    patterns: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.sl if lang == "sl" else self.en


@lru_cache(maxsize=1)
def named_funds() -> tuple[NamedFund, ...]:
    """data/reference/funds.yaml: national, municipal and foreign money a call may name."""
    rows = yaml.safe_load((REFERENCE_DIR / "funds.yaml").read_text(encoding="utf-8"))
    return tuple(NamedFund(row["sl"], row["en"], row["kind"], tuple(row["patterns"])) for row in rows)
