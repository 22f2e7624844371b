"""The ``data:`` section of a report spec: which files and measures, as at when, and the rules' options.

Validated with the rest of the spec (``reportgen.spec``), before any data is
read; ``reportgen.report_data`` then loads what it names and makes the
statements.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

if TYPE_CHECKING:
    from reportgen.metrics.facts import FactOptions


class DataSpec(BaseModel):
    """``data:`` in a report spec."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    files: Annotated[list[Path], Field(min_length=1)]
    """Tidy CSV/XLSX or EES downloads, relative to the spec file."""
    measures: list[str] = []
    """Measure ids from the data contract (default for performance reports: their measures)."""
    area: str | None = None
    """The council the report is about (default: the data's own area)."""
    as_of: str | None = None
    """Write as at this period (default: each measure's latest); ``--period`` in distribution overrides it.
    It must end by the header's meeting date (``after_meeting``)."""
    contract: str | None = None
    """A contract name in data_contracts/ or a YAML path, relative to the spec file like the data files
    (default: childrens_social_care)."""
    neighbours: Path | None = None
    """The DfE statistical neighbour model, to compare with the neighbours' average."""
    appendix: bool = True
    """Add the "Data behind this report" appendix listing the rows every statement used."""
    xmr_rebase: dict[str, list[str]] = {}
    """Per measure id, the periods where the process changed (a new service, a new
    threshold): its XmR limits and signals are worked out again from the latest one,
    as Making Data Count advises, in the statements and the chart alike."""

    band_tolerance: dict[str, Annotated[Decimal, Field(gt=0, le=50)]] = {}
    """Per measure id, the half-width of the band its "has stayed within 4% of 250"
    sentence uses: a percentage of the centre for counts, rates and money, percentage
    points for percentages (default 5% and 2 points). Analysts state the band they
    have reported to the committee before; a different width is another claim."""

    @field_validator("as_of")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is not None:
            from reportgen.data.periods import parse_period

            parse_period(value)  # ValueError says which forms are accepted
        return value

    @field_validator("xmr_rebase")
    @classmethod
    def _rebase_periods(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        from reportgen.data.periods import parse_period

        for measure_id, periods in value.items():
            for text in periods:
                try:
                    parse_period(text)
                except ValueError as exc:
                    raise ValueError(f"{measure_id}: {exc}") from None
        return value

    def after_meeting(self, meeting_date: date) -> str | None:
        """Why ``as_of`` cannot be right for a report to the meeting on ``meeting_date``; None when it can.

        A period that ends after the meeting has figures nobody can have by
        then: almost always a typo (2023-03 for 2022-03), and with EES files
        that run years ahead it would state figures from after the meeting
        as if they were known. Refused rather than warned about, as an
        agenda published after its meeting is.
        """
        if self.as_of is None:
            return None
        from reportgen.data.periods import parse_period
        from reportgen.metrics.formatting import period_name
        from reportgen.style import NumberStyle

        period = parse_period(self.as_of)
        if period.end <= meeting_date:
            return None
        return (f"the report is written as at {period_name(period, NumberStyle())}, which ends after the meeting "
                f"on {meeting_date:%-d %B %Y} (header.meeting_date): its figures cannot all be in by then; "
                f"check the period and the meeting date (got {self.as_of!r})")

    def fact_options(self, measure_id: str) -> FactOptions:
        """The statement rules' options for one measure: the defaults, with its process changes and band."""
        from reportgen.data.periods import parse_period
        from reportgen.metrics.facts import DEFAULT_OPTIONS

        changes: dict[str, object] = {}
        if self.xmr_rebase.get(measure_id):
            changes["xmr_rebase"] = tuple(parse_period(p) for p in self.xmr_rebase[measure_id])
        if measure_id in self.band_tolerance:
            tolerance = self.band_tolerance[measure_id]
            changes["band_tolerance_pct"] = changes["band_tolerance_points"] = tolerance
        return replace(DEFAULT_OPTIONS, **changes) if changes else DEFAULT_OPTIONS

    @field_validator("contract")
    @classmethod
    def _contract_beside_the_spec(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A contract file is found where the data files are, whatever folder the command is run from."""
        if value is None or Path(value).suffix not in (".yaml", ".yml"):
            return value
        base: Path = (info.context or {}).get("path", Path("report.yaml")).parent
        full = Path(value) if Path(value).is_absolute() else base / value
        if not full.is_file():
            raise ValueError(f"contract file not found: {full}")
        return str(full)

    @field_validator("files", "neighbours")
    @classmethod
    def _exists(cls, value: list[Path] | Path | None, info: ValidationInfo) -> list[Path] | Path | None:
        base: Path = (info.context or {}).get("path", Path("report.yaml")).parent
        def resolve(path: Path) -> Path:
            full = path if path.is_absolute() else base / path
            if not full.is_file():
                raise ValueError(f"data file not found: {full}")
            return full
        if value is None:
            return None
        return [resolve(p) for p in value] if isinstance(value, list) else resolve(value)
