"""Throughput of extract_notice on the dev split and on long notices; prints figures, asserts nothing.

.venv/bin/python benchmarks/extract_speed.py [../shared/eval/dev/notices.jsonl]
"""

import json
import sys
import time
from pathlib import Path

from fundscout.extract import extract_notice

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "extract"


def timed(texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        extract_notice(text)
    return time.perf_counter() - start


def main() -> None:
    samples = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    if len(sys.argv) > 1:
        samples = [json.loads(line)["text"] for line in Path(sys.argv[1]).read_text("utf-8").splitlines() if line]
    seconds = timed(samples * 5)
    print(f"short notices: {len(samples) * 5} in {seconds:.2f} s = {len(samples) * 5 / seconds:.0f} notices/s")
    long_text = "\n".join(samples) * 20  # a full-length notice of several hundred kB
    seconds = timed([long_text])
    print(f"one notice of {len(long_text) // 1000} kB: {seconds:.2f} s")


if __name__ == "__main__":
    main()
