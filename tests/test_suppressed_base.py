"""A percentage whose base is suppressed: never "0% (0 plans started)", never compared."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import SHARED_DATA

D3 = SHARED_DATA / "ees" / "d3_cpps_subsequent_plan_2013_to_2025.csv"


def test_city_of_london_2025_gives_the_count_and_says_the_base_is_not_published():
    # 2025 row: CPP_start "c", CPP_subsequent 0, CPP_subsequent_percent 0.
    result = subprocess.run([sys.executable, "-m", "reportgen", "statements", str(D3), "--measure", "cpp_repeat_pct",
                             "--area", "City of London", "--json"], capture_output=True, text=True, check=True)
    statements = json.loads(result.stdout)["statements"]
    assert [s["kind"] for s in statements] == ["proportion"]  # no change, benchmark or percentage claims
    text = statements[0]["text"]
    assert text == ("The number of child protection plans starting that were a second or subsequent plan was 0 in "
                    "2024/25; the number of plans started is not published (c: suppressed to protect "
                    "confidentiality), so no percentage is given.")
    assert "0%" not in text
