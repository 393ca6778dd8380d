"""Scale benchmark of the matcher: a synthetic registry and call set, matched end to end.

    python benchmarks/match_scale.py --firms 200000 --calls 10000 --top 20

Generates firms and calls from the taxonomy's own vocabulary plus filler words, then times
(1) featurisation (normalise, classify, purposes, audience of every firm and call) and
(2) matching (TF-IDF, projection, eligibility table, chunked scoring, top-K per firm).
In the same run a plain per-pair Python scoring loop (same formula, dicts and loops) scores a
2,000 x 500 subset, and the vectorised matcher the same subset; the speed-up compares the two.
Reasons (sentences) are built only for the rows a caller keeps and are not part of this timing.
Last line: wall_s=... cpu_s=... peak_mb=... speedup=... (cpu_s: this process's CPU time over (1) and (2),
so a run on a shared machine can be read beside its wall time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import time

import numpy as np

from fundscout.reference import municipalities, nace_divisions
from matching.eligibility import assess
from matching.features import call_vectors, firm_vectors
from matching.model import apply_link, load_model
from matching.profiles import call_profile, call_terms, firm_entry
from matching.ranking import eligibility_table
from matching.scoring import PARTS, TEXT_SCALE, Matcher, TextSpace
from matching.taxonomy import domains, secondary

TODAY = dt.date(2026, 11, 24)
FILLER = (
    "razvoj projekt storitev sodelovanje podpora izvedba program aktivnost območje lokalen regija "
    "prebivalec uporabnik rešitev sistem kakovost dostop povezava ukrep cilj namen učinek vrednost "
    "upravičen strošek sofinanciranje vloga prijava partner operacija kazalnik rezultat"
).split()
LEGAL = (
    ["d.o.o."] * 70
    + ["s.p."] * 12
    + ["d.d."] * 3
    + ["društvo"] * 6
    + ["zavod"] * 4
    + ["javni zavod"] * 3
    + ["občina"] * 1
    + ["zadruga"] * 1
)
SIZES = ["micro"] * 60 + ["small"] * 25 + ["medium"] * 12 + ["large"] * 3
APPLICANTS = [
    ["sme"],
    ["enterprise"],
    ["municipality"],
    ["ngo", "association"],
    ["public_institute"],
    ["municipality", "sme"],
    [],
    [],
]


def _vocabulary(rng: random.Random) -> tuple[list[list[str]], list[str]]:
    """Per-domain phrases (from the taxonomy) and a general vocabulary with made-up words."""
    per_domain = [[t.text for t in c.terms if t.weight >= 1.0] for c in domains().values()]
    general = [t.text for c in secondary("thematic_objectives").values() for t in c.terms] + FILLER
    syllables = "ka ro vi ne sta pre lo mi tra ble zu go dra ve ni šča že ko".split()
    general += [
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) + rng.choice(["a", "ek", "ost", "ni"])
        for _ in range(20_000)
    ]
    return per_domain, general


def _text(rng: random.Random, per_domain: list[list[str]], general: list[str], words: int) -> str:
    topic = rng.sample(per_domain, rng.randint(1, 2))
    out = [rng.choice(rng.choice(topic)) if rng.random() < 0.25 else rng.choice(general) for _ in range(words)]
    return " ".join(out)


def generate(n_firms: int, n_calls: int, seed: int = 1) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    per_domain, general = _vocabulary(rng)
    places = sorted({m.name for m in municipalities().values()})
    divisions = sorted(nace_divisions())
    firms = [
        {
            "firm_id": f"F{i:07d}",
            "name": f"Podjetje {i}",
            "legal_form": rng.choice(LEGAL),
            "size_class": rng.choice(SIZES),
            "municipality": rng.choice(places),
            "nace_codes": [f"{rng.choice(divisions)}.{rng.randint(100, 999)}" for _ in range(rng.randint(1, 3))],
            "description": _text(rng, per_domain, general, rng.randint(15, 35)),
            "interests": [rng.choice(rng.choice(per_domain)) for _ in range(rng.randint(2, 4))],
        }
        for i in range(n_firms)
    ]
    calls = [
        {
            "id": f"c{i:06d}",
            "title": "Javni razpis za " + _text(rng, per_domain, general, 6),
            "text": _text(rng, per_domain, general, rng.randint(120, 250)),
            "applicant_types": rng.choice(APPLICANTS),
            "cohesion_regions": rng.choice([[], [], ["west"], ["east"]]),
            "deadlines": [(TODAY + dt.timedelta(days=rng.randint(-200, 300))).isoformat()],
        }
        for i in range(n_calls)
    ]
    return firms, calls


def featurise(firms: list[dict], calls: list[dict]) -> tuple[list, list]:
    entries = [
        firm_entry(
            f["firm_id"],
            f["name"],
            f["legal_form"],
            f["size_class"],
            f["municipality"],
            f["nace_codes"],
            f["description"],
            f["interests"],
        )
        for f in firms
    ]
    profiles = [call_profile(c["id"], c["title"], c["text"], call_terms(c)) for c in calls]
    return entries, profiles


def vectorised_top(entries: list, profiles: list, k: int) -> tuple[np.ndarray, np.ndarray]:
    table, index, _ = eligibility_table(entries, profiles, TODAY, include_closed=False)
    matcher = Matcher(entries, profiles, table, index)
    best_calls = np.empty((len(entries), min(k, len(profiles))), np.int32)
    best_scores = np.empty_like(best_calls, dtype=np.float32)
    for start, columns, values in matcher.top_blocks(k):
        best_calls[start : start + len(columns)], best_scores[start : start + len(columns)] = columns, values
    return best_calls, best_scores


def loop_top(entries: list, profiles: list, k: int) -> list[list[int]]:
    """The plain way: every pair scored in Python (same formula), sorted per firm."""
    text = TextSpace([c.features for c in profiles], [f.features for f in entries])
    call_rows = [dict(zip(text.calls[i].indices.tolist(), text.calls[i].data.tolist())) for i in range(len(profiles))]
    call_vecs = [[v.tolist() for v in call_vectors(c)] for c in profiles]
    model = load_model()
    weights = [model.weights[name] for name in PARTS]  # the order of firm_vectors / call_vectors
    offset = dict(zip((True, None, False), model.offsets()[::-1].tolist()))
    factor = dict(zip((True, None, False), model.factor))
    out = []
    for fi, firm in enumerate(entries):
        row = dict(zip(text.firms[fi].indices.tolist(), text.firms[fi].data.tolist()))
        firm_vecs = [v.tolist() for v in firm_vectors(firm)]
        scored = []
        for ci, call in enumerate(profiles):
            relevance = sum(
                w * sum(a * b for a, b in zip(fv, cv)) for w, fv, cv in zip(weights, firm_vecs, call_vecs[ci])
            )
            cosine = sum(value * call_rows[ci].get(term, 0.0) for term, value in row.items())
            verdict = assess(firm.klass, call.terms, TODAY).eligible
            z = relevance + model.weights["text"] * TEXT_SCALE * cosine + model.intercept + offset[verdict]
            linked = float(apply_link(model.link, np.array([z], np.float32))[0])
            scored.append((100 * linked * factor[verdict], ci))
        scored.sort(key=lambda t: -t[0])
        out.append([ci for _, ci in scored[:k]])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=200_000)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    t0 = time.perf_counter()
    firms, calls = generate(args.firms, args.calls, args.seed)
    t1, c1 = time.perf_counter(), time.process_time()
    entries, profiles = featurise(firms, calls)
    t2, c2 = time.perf_counter(), time.process_time()
    best_calls, best_scores = vectorised_top(entries, profiles, args.top)
    t3, c3 = time.perf_counter(), time.process_time()
    print(f"generated {args.firms} firms x {args.calls} calls in {t1 - t0:.1f} s")
    print(
        f"featurise {t2 - t1:.1f} s (cpu {c2 - c1:.1f} s), match (top {args.top} per firm) {t3 - t2:.1f} s "
        f"(cpu {c3 - c2:.1f} s, all threads); "
        f"mean best score {float(best_scores[:, 0].mean()):.1f}"
    )

    sub_firms, sub_calls = entries[:2000], profiles[:500]
    s0 = time.perf_counter()
    loop = loop_top(sub_firms, sub_calls, args.top)
    s1 = time.perf_counter()
    vec_calls, _ = vectorised_top(sub_firms, sub_calls, args.top)
    s2 = time.perf_counter()
    overlap = np.mean([len(set(a) & set(b.tolist())) / len(a) for a, b in zip(loop, vec_calls)])
    speedup = (s1 - s0) / (s2 - s1)
    print(
        f"subset 2000 x 500: per-pair loop {s1 - s0:.2f} s, vectorised {s2 - s1:.3f} s, "
        f"top-{args.top} agreement {overlap:.3f}"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"wall_s={t3 - t1:.1f} cpu_s={c3 - c1:.1f} peak_mb={peak_mb:.0f} speedup={speedup:.0f}")


if __name__ == "__main__":
    main()
