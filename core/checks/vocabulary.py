"""The checks' vocabulary, loaded once from data files (extend them without code)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


def _data(name: str) -> str:
    return resources.files("core").joinpath(f"data/{name}").read_text(encoding="utf-8")


def _lines(name: str) -> list[list[str]]:
    """Non-comment lines of a data file, split on whitespace."""
    return [
        line.split()
        for line in _data(name).splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _any(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Compiled word lists and patterns for every check."""

    stock: re.Pattern[str]
    stock_patterns: re.Pattern[str]  # the genre's jingles: 看表面多、看本质少; 重部署轻落实
    examples: re.Pattern[str]
    dates_numbers: re.Pattern[str]
    named: re.Pattern[str]
    first_person: re.Pattern[str]
    merit_words: re.Pattern[str]
    merit_openings: tuple[re.Pattern[str], ...]
    praise_negations: re.Pattern[str]
    faults: re.Pattern[str]
    heading_adverbs: re.Pattern[str]  # what a sentence has and a heading does not
    measure_start: re.Pattern[str]  # how a measure opens: 一是加强…、进一步…
    diagnosis: re.Pattern[str]  # how a cause names itself: 暴露出…、根源在于…
    measure_words: re.Pattern[str]  # what a measure is written with: 要、将、加强、进一步…
    hedges: re.Pattern[str]
    quantity_hedges: frozenset[str]
    hopes: re.Pattern[str]
    blame: re.Pattern[str]
    pretexts: re.Pattern[str]
    root_causes: re.Pattern[str]
    generic_verbs: re.Pattern[str]
    concrete_actions: re.Pattern[str]
    deadlines: re.Pattern[str]
    quantities: re.Pattern[str]
    confusions: dict[str, str]
    confusion_pattern: re.Pattern[str]
    confusion_exceptions: tuple[str, ...]
    traditional: dict[str, str]
    similar: dict[str, tuple[str, ...]]
    doubled: re.Pattern[str]
    doubled_exceptions: tuple[str, ...]
    others: re.Pattern[str]
    anonymous: re.Pattern[str]
    person: re.Pattern[str]  # 张某某、李某同志: a named person, redacted or not
    cause_markers: frozenset[str]
    formulas: tuple[str, ...]
    formula_variants: frozenset[str]


def _confusion_files() -> list[str]:
    """confusions.txt and any further list beside it (confusions_more.txt …), all data."""
    folder = resources.files("core").joinpath("data")
    return sorted(f.name for f in folder.iterdir() if f.name.startswith("confusions"))


def _formulas() -> tuple[tuple[str, ...], frozenset[str]]:
    """The canonical formulations, and the correct variants one character away from them."""
    raw = _data("canonical_formulas.txt")
    listed, _, variants = raw.partition("\n# variants\n")

    def entries(part: str) -> list[str]:
        return [s for line in part.splitlines() if (s := line.strip()) and not s.startswith("#")]

    formulas = tuple(entries(listed))
    return formulas, frozenset(entries(variants)) | frozenset(formulas)


@cache
def vocabulary() -> Vocabulary:
    """Load once per process; the files are package data."""
    raw = json.loads(_data("checks.json"))
    confusions = {
        fields[0]: fields[1]
        for name in _confusion_files()
        for fields in _lines(name)
        if len(fields) >= 2
    }
    traditional = {fields[0]: fields[1] for fields in _lines("traditional.txt") if len(fields) >= 2}
    similar: dict[str, tuple[str, ...]] = {}
    for group in _lines("similar_chars.txt"):
        for ch in group:
            similar[ch] = tuple(sorted({*similar.get(ch, ()), *(c for c in group if c != ch)}))
    doubled = "|".join(re.escape(c) + re.escape(c) for c in raw["doubled_characters"])
    formulas, variants = _formulas()
    return Vocabulary(
        stock=_any([fields[0] for fields in _lines("stock_phrases.txt")]),
        stock_patterns=re.compile("|".join(raw["stock_patterns"])),
        examples=re.compile(
            "|".join(raw["example_patterns"] + [re.escape(w) for w in raw["example_markers"]])
        ),
        dates_numbers=re.compile("|".join(raw["date_or_number"])),
        named=re.compile("|".join(raw["named_patterns"])),
        first_person=re.compile(raw["first_person"]),
        merit_words=_any(raw["merit_words"]),
        merit_openings=tuple(re.compile(p) for p in raw["merit_openings"]),
        praise_negations=re.compile(raw["praise_negations"]),
        faults=re.compile(raw["fault_words"]),
        measure_words=re.compile(raw["measure_words"]),
        measure_start=re.compile(raw["measure_start"]),
        diagnosis=re.compile(raw["diagnosis"]),
        heading_adverbs=re.compile(raw["heading_adverbs"]),
        hedges=_any(raw["hedges"]),
        quantity_hedges=frozenset(raw["quantity_hedges"]),
        hopes=re.compile(raw["hope_pattern"]),
        blame=_any(raw["circumstance_blame"]),
        pretexts=re.compile(raw["pretext_markers"]),
        root_causes=_any(raw["root_causes"]),
        generic_verbs=_any(raw["generic_verbs"]),
        concrete_actions=_any(raw["concrete_actions"]),
        deadlines=re.compile("|".join(raw["deadline_patterns"])),
        quantities=re.compile(raw["quantity_pattern"]),
        confusions=confusions,
        confusion_pattern=_any(list(confusions)) if confusions else re.compile(r"(?!x)x"),
        confusion_exceptions=tuple(raw["confusion_exceptions"]),
        traditional=traditional,
        similar=similar,
        doubled=re.compile(doubled),
        doubled_exceptions=tuple(raw["doubled_exceptions"]),
        others=re.compile(raw["others_as_subject"]),
        anonymous=re.compile(raw["anonymous"]),
        person=re.compile(raw["person_pattern"]),
        cause_markers=frozenset(raw["cause_markers"]),
        formulas=formulas,
        formula_variants=variants,
    )
