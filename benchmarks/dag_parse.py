"""How long each DAG file takes to parse, as the dag-processor does it (fresh interpreter, Airflow loaded).

The Airflow authoring API is imported first, as the dag-processor's pre-import does
(`[dag_processor] parsing_pre_import_modules`); otherwise the first file parsed pays its ~0.4 s
one-time import.

    .venv/bin/python benchmarks/dag_parse.py [ROUNDS]

Prints, per file, the median and worst parse time over ROUNDS fresh processes (default 5).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

DAGS = Path(__file__).resolve().parents[1] / "dags"
PROBE = """
import json, sys
from pathlib import Path
from airflow.sdk import Asset, Param, dag, task
from airflow.dag_processing.dagbag import BundleDagBag
bag = BundleDagBag(dag_folder=sys.argv[1], bundle_path=sys.argv[1])
assert not bag.import_errors, bag.import_errors
print(json.dumps({Path(s.file).name: s.duration.total_seconds() for s in bag.dagbag_stats}))
"""


def main(rounds: int) -> None:
    env = {**os.environ, "AIRFLOW_HOME": tempfile.mkdtemp(), "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-c", PROBE, str(DAGS)], env=env, capture_output=True, text=True, check=True
        )
        for name, seconds in json.loads(out.stdout.strip().splitlines()[-1]).items():
            samples.setdefault(name, []).append(seconds)
    print(f"DAG file parse time over {rounds} fresh processes")
    for name, times in sorted(samples.items()):
        print(f"  {name:22} median {statistics.median(times) * 1000:6.1f} ms   worst {max(times) * 1000:6.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
