"""cProfile of one import in this process, sorted by own time (tottime).

python bench/import_profile.py /work/benchdata/import/enterprises-20000.xlsx [--top 30]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--cumulative", type=str, help="also by cumulative time, the functions matching this")
    args = parser.parse_args()
    setup_django(f"import-profile-{os.getpid()}")
    from zhuqi.directory.models import system_user
    from zhuqi.enterprises.importing import import_enterprises

    actor = system_user()
    profile = cProfile.Profile()
    started, cpu = time.perf_counter(), time.process_time()
    with args.path.open("rb") as stream:
        profile.enable()
        report = import_enterprises(actor=actor, stream=stream, filename=args.path.name)
        profile.disable()
    print(
        f"rows {report.rows} written {report.written} wall {time.perf_counter() - started:.2f} s "
        f"cpu {time.process_time() - cpu:.2f} s (under the profiler)"
    )
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(args.top)
    if args.cumulative:
        stats.sort_stats("cumulative").print_stats(args.cumulative)


if __name__ == "__main__":
    main()
