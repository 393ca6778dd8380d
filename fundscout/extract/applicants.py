"""Who may apply, as codes of `fundscout.fields.APPLICANT_TYPES`, and the cohesion region.

The eligibility sentences ("Upravičeni prijavitelji so …", "Na razpis se lahko prijavijo …",
"Vlagatelji so lahko …") are read first; only when there are none does the title tell
("… stavb v lasti občin", "… socialno šibkim občanom", "… za podjetja").
"""

from __future__ import annotations

import re

# code -> words that name the class in Slovenian or English notice text
_CLASSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern, re.IGNORECASE))
    for code, pattern in (
        # "občine", "občinam" but not a named place ("v občini Jesenice", "Občine Kranj").
        (
            "municipality",
            r"\bobčin(?:a|e|am|ah|ami)?\b(?!\s+(?-i:[A-ZČŠŽ]))|lokaln\w+ skupnost\w*"
            r"|samoupravn\w+ lokaln\w+|\bmunicipalit\w+|local authorit\w+",
        ),
        (
            "sme",
            r"\bMSP\b|\bSMEs?\b|mikro,?\s+mal\w+,?\s+(?:in\s+|ali\s+)?srednj\w+|mikro\s+(?:in|ali)\s+mal\w+"
            r"|mal\w+\s+in\s+srednj\w+\s+(?:velik\w+\s+)?podjet|small and medium",
        ),
        (
            "large_enterprise",
            r"(?<!srednje )(?<!srednjih )\bvelik(?:a|ih|im|ima|o|e|ega|emu)\s+podjet\w+|large enterprise",
        ),
        (
            "enterprise",
            r"\bpodjet(?:je|ja|jem|ij|jih|jema)\b|gospodarsk\w+ družb\w*|samostojn\w+ podjetni\w+"
            r"|\bs\.\s?p\.|\bd\.\s?o\.\s?o\.|\bzadrug\w*|\bcompanies\b|\benterprises\b|\bbusinesses\b",
        ),
        (
            "ngo",
            r"nevladn\w+ organizacij\w*|\bNVO\b|neprofitn\w+ (?:zasebn\w+ )?organizacij\w*|\bNGOs?\b"
            r"|non-governmental|non-profit",
        ),
        (
            "association",
            r"\bdruštv(?:o|a|u|om|ih|i)\b|\bdruštev\b|zvez\w* društev|gasilsk\w+ zvez\w*|\bassociations?\b",
        ),
        (
            "public_institute",
            r"javn\w+ zavod\w*|zdravstven\w+ dom\w*|javn\w+ organizacij\w*|\bvrtc\w*|\bšol(?:e|a|am)\b"
            r"|public (?:body|bodies|institut\w+)",
        ),
        (
            "research_org",
            r"raziskovaln\w+ organizacij\w*|univerz\w+|fakultet\w*|research organi[sz]ation\w*"
            r"|universit\w+",
        ),
        (
            "natural_person",
            r"fizičn\w+ oseb\w*|\bobčan(?:i|om|ov|e)\b|gospodinjstv\w*|\blastnik\w*|prebival\w+"
            r"|stalno prebivališče|\bposamezni(?:ki|kom|kov)\b|natural persons?|individuals",
        ),
        ("other", r"pravn\w+ oseb\w* javnega in zasebnega prava|drug\w+ pravn\w+ oseb\w*"),
    )
)
# Sentences that say who may apply.
_ELIGIBILITY = re.compile(
    r"upravičen\w*\s+(?:prijavitelj|vlagatelj|upravičenc|do\s+(?:nepovratn|sredst))\w*|\bupravičenci\b"
    r"|(?:lahko\s+)?prijavi(?:jo)?\s+(?:se\s+)?(?:lahko\s+)?|se\s+lahko\s+prijavi\w*|lahko\s+sodeluj\w+"
    r"|vlagatelj\w*\s+(?:so|je|mora)|prijavitelj\w*\s+(?:so|je|mora\s+biti)|namenjen\w*\s+(?:je\s+)?za\s"
    r"|lahko\s+(?:\w+\s+){0,3}?(?:koristi\w*|pridob\w+|prijavi\w*|sodeluj\w*)|eligible|who can apply|applicants",
    re.IGNORECASE,
)
_EXCLUDED = re.compile(r"izključen\w*|ne\s+morejo|niso\s+upravičen\w*|ne\s+more|not eligible|excluded", re.I)


def _classes_at(text: str) -> list[tuple[int, str]]:
    """(position, code) of every applicant class named in `text`."""
    return sorted((m.start(), code) for code, pattern in _CLASSES for m in pattern.finditer(text))


def _combine(codes: list[str]) -> list[str]:
    found = list(dict.fromkeys(codes))
    if "sme" in found and "large_enterprise" in found:
        # "mikro, mala, srednja in velika podjetja": every size, i.e. enterprises in general.
        found = [c for c in found if c not in ("sme", "large_enterprise")] + ["enterprise"]
    elif "sme" in found or "large_enterprise" in found:  # the size says more than "podjetja"
        found = [c for c in found if c != "enterprise"]
    return list(dict.fromkeys(found))


def _classes_in(text: str) -> list[str]:
    return _combine([code for _, code in _classes_at(text)])


def _classes_in_sentence(sentence: str) -> list[str]:
    """Classes of the main clause ("… se lahko prijavijo društva, ki …"); when the main clause
    names none ("… prijavijo kandidati, ki imajo stalno prebivališče …"), the first one named."""
    main = re.split(r",\s+(?:ki|kateri\w*|če)\b", sentence)[0]
    codes = _classes_in(main)
    if "enterprise" in codes and "sme" in _classes_in(sentence):
        # "gospodarske družbe, ki so mikro ali mala podjetja": the clause narrows them to SMEs
        codes = [c if c != "enterprise" else "sme" for c in codes]
    if codes:
        return codes
    found = _classes_at(sentence)
    return [found[0][1]] if found else []


def stated_applicants(text: str) -> tuple[list[str], str] | None:
    """Applicant codes an eligibility sentence states, and that sentence; None when no sentence says."""
    for sentence in _eligibility_sentences(text):
        if _EXCLUDED.search(sentence):
            sentence = _EXCLUDED.split(sentence)[0]
        codes = _classes_in_sentence(sentence)
        if codes:
            return codes, " ".join(sentence.split())[:300]
    return None


def find_applicants(text: str, title: str | None) -> tuple[list[str], str] | None:
    """Applicant codes and the sentence they were read from, or None when the text does not say.
    Without an eligibility sentence (stated_applicants) they are a guess from the title or the
    classes the page names most; matching counts a guess as audience, never as eligibility."""
    stated = stated_applicants(text)
    if stated:
        return stated
    if title:
        codes = _classes_in(title)
        if codes == ["enterprise"] and any(code == "sme" for _, code in _classes_at(text[:4000])):
            codes = ["sme"]  # "… inovativnih podjetij" in a text about SMEs means those SMEs
        if codes:
            return codes, title
    # No eligibility sentence: the class the page names most often, if any.
    counts: dict[str, int] = {}
    first_at: dict[str, int] = {}
    for at, code in _classes_at(text[:4000]):
        counts[code] = counts.get(code, 0) + 1
        first_at.setdefault(code, at)
    if not counts:
        return None
    if "sme" in counts:  # "podjetja" in a text about SMEs means the same SMEs
        counts["sme"] += counts.pop("enterprise", 0)
    top = max(counts.values())
    codes = _combine([c for c, n in counts.items() if n == top])
    at = min(first_at.get(c, len(text)) for c in codes)
    return codes, " ".join(text[max(0, at - 80) : at + 80].split())


# What narrows an applicant class: "mestne občine s sprejeto celostno prometno strategijo",
# "občine, ki izvajajo javni potniški promet …", "podjetja s sedežem v …", "SMEs that have …".
_CONDITION = re.compile(
    r"(?:,\s*|\s)(?:(?:ki|katere?\w*|če)\s+\w+|[sz]\s+(?!namenom\b|ciljem\b)\w{3,}|which\s+\w+|that\s+\w+|with\s+\w+)",
    re.IGNORECASE,
)


def find_applicant_conditions(text: str) -> tuple[str, str] | None:
    """The condition an eligibility sentence puts on its applicants, as written (from the clause
    after the applicant class to the end of the sentence), and the sentence; None when there is none."""
    # Besides the eligibility sentences, any sentence that calls someone entitled ("Do spodbude so
    # upravičene občine, ki …").
    entitled = [
        text[text.rfind(".", 0, m.start()) + 1 : m.end() + 400].split(". ")[0]
        for m in re.finditer(r"\bupravičen\w*\s+(?:so|je)\b|\bso\s+upravičen\w*", text, re.IGNORECASE)
    ]
    for sentence in _eligibility_sentences(text) + entitled:
        if _EXCLUDED.search(sentence):
            sentence = _EXCLUDED.split(sentence)[0]
        # The clause after the last class the main clause names; a label line ends at its line break.
        main = re.split(r",\s+(?:ki|kateri\w*|če)\b", sentence)[0]
        ends = [m.end() for _, pattern in _CLASSES for m in pattern.finditer(main)]
        if not ends:
            continue
        line_end = sentence.find("\n", max(ends))
        rest = sentence[max(ends) : line_end if line_end >= 0 else len(sentence)]
        rest = re.sub(r"^\s*\)|^\s*\([^()]*\)", "", rest)  # "(občine)": a synonym, not a condition
        condition = _CONDITION.match(rest)
        if condition is None:
            return None
        clause = " ".join(rest[condition.start() :].split()).strip(" ,.;:")
        said = sentence[: max(ends) + len(rest)]
        return clause, " ".join(said[said.rfind("\n", 0, max(ends)) + 1 :].split())[:300]
    return None


def _eligibility_sentences(text: str) -> list[str]:
    out = []
    for m in _ELIGIBILITY.finditer(text):
        start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        end_match = re.compile(r"\.\s*(?=[A-ZČŠŽ])|\n\s*\n").search(text, m.end())
        end = end_match.start() + 1 if end_match else len(text)
        heading_only = text[m.end() : end].strip(" :\n") == "" or text[start:end].rstrip().endswith(":")
        if heading_only:  # "Upravičenci:" as a heading: the list that follows
            end_match = re.compile(r"\n\s*\n\s*\n|\n[A-ZČŠŽ ]{6,}\n").search(text, m.end() + 3)
            end = end_match.start() if end_match else min(len(text), m.end() + 400)
        out.append(text[start : min(end, start + 600)])
    return out


_REGION = re.compile(
    r"(vzhodn|zahodn)\w*\s+(?:kohezijsk\w+\s+regij\w*|slovenij\w*)|\bKR([VZ])S\b|\b(?:cohesion region )?(east|west)ern slovenia",
    re.I,
)


def find_cohesion_regions(text: str) -> tuple[list[str], str] | None:
    found: dict[str, str] = {}
    for m in _REGION.finditer(text):
        word = (m.group(1) or m.group(2) or m.group(3)).lower()
        code = "east" if word.startswith(("vzhod", "v", "east")) else "west"
        found.setdefault(code, " ".join(text[max(0, m.start() - 60) : m.end() + 20].split()))
    if re.search(r"(vzhodn\w+\s+(?:ali|in)\s+zahodn|zahodn\w+\s+(?:ali|in)\s+vzhodn)\w*\s+kohezijsk", text, re.I):
        m = re.search(r"(vzhodn|zahodn)\w+\s+(?:ali|in)\s+\w+\s+kohezijsk\w+", text, re.I)
        found = {"east": m.group(0), "west": m.group(0)} if m else found
    if not found:
        return None
    codes = sorted(found)
    return codes, found[codes[0]]
