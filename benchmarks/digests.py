"""Weekly digest workbooks per second: FundScout's builder against plain pandas.DataFrame.to_excel.

    python benchmarks/digests.py --firms 1000 --baseline-firms 100

Builds one workbook per synthetic firm (20–60 open calls, all sheets: new, changed, closing, all
open, legend) in memory, and writes the same rows with pandas (one sheet per DataFrame, openpyxl
engine) for a sample of the same firms. The two run in alternating rounds, so a machine busy with
other work slows both alike, and the rates are over all rounds. Last line:
`workbooks_per_s=N baseline_per_s=M ratio=R`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import time

import pandas as pd

from reports.digest.safe import clean_text
from reports.digest.workbook import (
    CALL_COLUMNS,
    CHANGE_COLUMNS,
    Digest,
    DigestCall,
    DigestChange,
    _Context,
    build_workbook,
)

AS_OF = dt.date(2026, 11, 25)
TITLES = [
    "Javni razpis za sofinanciranje {} v občinah Gorenjske",
    '=HYPERLINK("x") razpis {}',
    "Javni poziv za spodbujanje {} in digitalne preobrazbe MSP",
    "+SUM(1,1) {}",
]
TOPICS = ["e-storitev", "trajnostne mobilnosti", "energetske prenove", "telemedicine", "odprtih podatkov"]


def synthetic_digest(rnd: random.Random, number: int) -> Digest:
    calls = []
    for i in range(rnd.randint(20, 60)):
        deadline = AS_OF + dt.timedelta(days=rnd.randint(0, 120))
        calls.append(
            DigestCall(
                call_id=f"ul-2026-{number}-{i}",
                title=rnd.choice(TITLES).format(rnd.choice(TOPICS)),
                url=f"https://www.uradni-list.si/glasilo/{number}/{i}",
                publisher="Ministrstvo za gospodarstvo",
                next_deadline=deadline,
                until_funds_spent=False,
                budget_eur=rnd.randint(1, 400) * 25_000.0,
                domains=rnd.sample(["e_governance", "urban_mobility", "health", "environment_energy"], 2),
                applicant_types=["sme", "enterprise"],
                summary="Sofinanciranje naložb \x0b v razvoj. " * 12,
                score=rnd.uniform(30, 100),
                eligible=rnd.choice([True, None]),
                eligibility_reasons=["Podjetje je MSP; razpis je namenjen MSP."],
                relevance_reasons=["Dejavnost 62.010 ustreza področju e-upravljanje.", "Interes: odprti podatki."],
            )
        )
    calls.sort(key=lambda c: -c.score)
    changed = [DigestChange(c, "budget_eur", 1e6, 2e6, AS_OF, "amendment") for c in calls[: len(calls) // 6]]
    return Digest(
        firm_id=f"F{number}",
        firm_name=f"Podjetje {number} d.o.o.",
        week="2026-W48",
        as_of=AS_OF,
        new=calls[: len(calls) // 4],
        changed=changed,
        closing=[c for c in calls if c.days_left(AS_OF) <= 30],
        open=calls,
    )


def pandas_workbook(digest: Digest, lang: str = "sl") -> bytes:
    """The same rows through DataFrame.to_excel: one DataFrame per sheet, openpyxl engine.

    Strings are cleaned first, or openpyxl refuses the vertical tab in the summaries (and note that
    to_excel would still write a title starting with "=" as a formula).
    """
    ctx = _Context(lang, digest.as_of)
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for key, columns in (
            ("new", CALL_COLUMNS),
            ("changed", CHANGE_COLUMNS),
            ("closing", CALL_COLUMNS),
            ("open", CALL_COLUMNS),
        ):
            rows = [[_plain(col.get(row, ctx)) for col in columns] for row in getattr(digest, key)]
            frame = pd.DataFrame(rows, columns=[col.label(lang) for col in columns])
            frame.to_excel(writer, sheet_name=key, index=False)
    return out.getvalue()


def _plain(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def timed(builder, digests: list[Digest]) -> tuple[float, int]:
    """Seconds to build the workbooks, and their bytes."""
    start = time.perf_counter()
    size = sum(len(builder(digest)) for digest in digests)
    return time.perf_counter() - start, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1000)
    parser.add_argument(
        "--baseline-firms", type=int, default=100, help="how many of the same firms the (slow) pandas baseline writes"
    )
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of the two writers")
    parser.add_argument("--seed", type=int, default=48)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    digests = [synthetic_digest(rnd, n) for n in range(args.firms)]
    sample = digests[: min(args.baseline_firms, len(digests))]
    rows = sum(len(d.new) + len(d.changed) + len(d.closing) + len(d.open) for d in digests)
    build_workbook(digests[0])  # the per-language frame is made once; not a per-firm cost
    pandas_workbook(sample[0])
    ours = base = 0.0
    our_size = base_size = 0
    for r in range(args.rounds):
        seconds, size = timed(build_workbook, digests[r :: args.rounds])
        ours, our_size = ours + seconds, our_size + size
        seconds, size = timed(pandas_workbook, sample[r :: args.rounds])
        base, base_size = base + seconds, base_size + size
    our_rate, base_rate = len(digests) / ours, len(sample) / base
    print(f"firms={len(digests)} rows={rows} (all sheets, {rows / len(digests):.0f} per workbook)")
    print(
        f"fundscout builder: {len(digests)} workbooks, {our_rate:.1f}/s, {our_size / len(digests) / 1024:.1f} KiB each"
    )
    print(
        f"pandas to_excel:   {len(sample)} workbooks, {base_rate:.1f}/s, {base_size / len(sample) / 1024:.1f} KiB each"
    )
    print(f"workbooks_per_s={our_rate:.1f} baseline_per_s={base_rate:.1f} ratio={our_rate / base_rate:.1f}")


if __name__ == "__main__":
    main()
