"""Statements benchmark: how long every statement of a large dataset takes, and the memory it needs.

Two workloads (issue 3, "Benchmark"):

1. synthetic: 150 areas x 40 measures x 120 months (720,000 observations),
   every area compared with every other (149 comparators: the rank summary);
2. EES: every local authority x every measure in the Explore Education
   Statistics files in ../shared/data/ees, compared with England and its region.

Run from the repository root::

    python benchmarks/statements_bench.py            # both workloads
    python benchmarks/statements_bench.py --quick    # 15 areas, for a smoke test
    python benchmarks/statements_bench.py --only synthetic --comparators 3   # a realistic comparator count

Prints one line per workload: wall time, statements per second and peak
resident memory of the process (``resource.ru_maxrss``). Speed belongs here,
not in the tests: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen.data.contracts import Frequency, Measure, Polarity, Unit  # noqa: E402
from reportgen.data.periods import parse_period  # noqa: E402
from reportgen.data.types import Observation, Series, SourceRef  # noqa: E402
from reportgen.metrics.statements import statements_for  # noqa: E402

EES = ROOT.parent / "shared" / "data" / "ees"
_UNITS = (Unit.COUNT, Unit.PERCENT, Unit.RATE_PER_10K, Unit.COUNT)
_POLARITIES = (Polarity.LOWER_IS_BETTER, Polarity.HIGHER_IS_BETTER, Polarity.NEUTRAL)


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def synthetic(
    areas: int, measures: int, months: int, seed: int = 2018
) -> tuple[list[Measure], dict[str, list[Series]]]:
    """Random walks around a level, with the odd suppressed value, as councils' monthly returns look."""
    rng = random.Random(seed)
    periods = [parse_period(f"{2015 + m // 12}-{m % 12 + 1:02d}") for m in range(months)]
    made: list[Measure] = []
    data: dict[str, list[Series]] = {}
    for i in range(measures):
        unit = _UNITS[i % len(_UNITS)]
        measure = Measure(id=f"m{i:02d}", label=f"synthetic measure {i}", unit=unit,
                          polarity=_POLARITIES[i % 3], frequency=Frequency.MONTHLY,
                          decimals=1 if unit is not Unit.COUNT else 0, percent_of="children")
        made.append(measure)
        data[measure.id] = []
        for a in range(areas):
            level = rng.uniform(40, 400) if unit is not Unit.PERCENT else rng.uniform(10, 60)
            observations = []
            for row, period in enumerate(periods):
                level = max(1.0, level + rng.gauss(0, level * 0.03))
                source = SourceRef("synthetic.csv", row + 2, "value")
                if rng.random() < 0.005:
                    observations.append(Observation(period, None, source, "c"))
                    continue
                value = Decimal(f"{level:.1f}") if unit is not Unit.COUNT else Decimal(round(level))
                if unit is Unit.PERCENT:
                    den = Decimal(rng.randint(10, 400))
                    observations.append(Observation(period, value, source, None,
                                                    (value * den / 100).quantize(Decimal(1)), den))
                else:
                    observations.append(Observation(period, value, source))
            data[measure.id].append(Series(measure.id, f"Area {a:03d}", tuple(observations)))
    return made, data


def run_synthetic(areas: int, comparators: int | None) -> None:
    start = time.perf_counter()
    measures, data = synthetic(areas, 40, 120)
    built = time.perf_counter() - start
    start = time.perf_counter()
    count = 0
    for measure in measures:
        every = data[measure.id]
        for i, series in enumerate(every):
            others = every if comparators is None else (every[:i] + every[i + 1:])[:comparators]
            count += len(statements_for(series, measure, comparators=others))
    took = time.perf_counter() - start
    compared = f"{areas - 1} (every other area)" if comparators is None else str(comparators)
    print(f"synthetic {areas} areas x 40 measures x 120 months, comparators {compared}: {count:,} statements "
          f"in {took:.2f} s ({count / took:,.0f}/s; series built in {built:.2f} s), peak memory {_peak_mb():.0f} MB")


def run_ees(limit: int | None) -> None:
    from reportgen.data.contracts import load_contract
    from reportgen.data.load import load_data

    files = sorted(EES.glob("*.csv"))
    files = [f for f in files if not f.name.startswith("sn_model")]
    if not files:
        print(f"EES: no files in {EES}; skipped")
        return
    contract = load_contract(None)
    start = time.perf_counter()
    dataset = load_data(files, contract, area="Gateshead")
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    count = pairs = 0
    for measure_id in dataset.measures():
        measure = contract.measure(measure_id)
        areas = [a for a in dataset.areas(measure_id) if dataset.level(a) == "Local authority"]
        england = [dataset.series(measure_id, a) for a in dataset.areas(measure_id) if dataset.level(a) == "National"]
        for area in areas[:limit]:
            region = dataset.region(area)
            comparators = england + ([dataset.series(measure_id, region)]
                                     if region and region in dataset.areas(measure_id) else [])
            count += len(statements_for(dataset.series(measure_id, area), measure, comparators=comparators))
            pairs += 1
    took = time.perf_counter() - start
    print(f"EES {len(files)} files, {pairs:,} local authority x measure series: {count:,} statements in "
          f"{took:.2f} s (data loaded in {loaded:.2f} s), peak memory {_peak_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="15 synthetic areas and 15 local authorities")
    parser.add_argument("--only", choices=("synthetic", "ees"), default=None)
    parser.add_argument("--comparators", type=int, default=None,
                        help="synthetic: compare each area with this many others (default: every other area)")
    args = parser.parse_args()
    if args.only in (None, "ees"):
        run_ees(15 if args.quick else None)
    if args.only in (None, "synthetic"):
        run_synthetic(15 if args.quick else 150, args.comparators)


if __name__ == "__main__":
    main()
