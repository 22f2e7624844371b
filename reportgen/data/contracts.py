"""Data contracts: what each dataset and measure *is*, in ``data_contracts/*.yaml``.

A contract is the only place a measure's meaning lives: the noun phrase a
sentence uses for it, its unit, whether up is good, how many decimals it is
published to, below what count a percentage becomes misleading, and how the
official (EES) files map onto it. Loaders, validators, facts and phrasing all
read the same ``Measure``, so a sentence can never disagree with the data
layer about what a number means.
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from reportgen import resources
from reportgen.errors import Problem, ProblemsError, UnknownNameError
from reportgen.yamlfile import load_model

DEFAULT_CONTRACT = "childrens_social_care"


class Unit(str, Enum):
    COUNT = "count"
    PERCENT = "percent"
    RATE_PER_10K = "rate_per_10k"
    """Rate per 10,000 children (the DfE's standard)."""
    MONEY = "money"
    """Pounds sterling."""


class Polarity(str, Enum):
    LOWER_IS_BETTER = "lower_is_better"
    HIGHER_IS_BETTER = "higher_is_better"
    NEUTRAL = "neutral"


class Frequency(str, Enum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    FINANCIAL_YEAR = "financial_year"
    ANNUAL = "annual"
    """Year ending 31 March snapshots, as the DfE publishes them."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Measure(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    """The noun phrase used in sentences: "children subject to a child protection plan"."""
    unit: Unit
    polarity: Polarity = Polarity.NEUTRAL
    frequency: Frequency = Frequency.MONTHLY
    decimals: int = Field(0, ge=0, le=3)
    """Decimal places the measure is published to (rounded half up)."""
    small_number_threshold: int = Field(20, ge=0)
    """Below this denominator a percentage is shown as a count ("7 of 12")."""
    percent_of: str | None = None
    """For percentages: the plural noun of what the count counts ("plans started")."""
    counts: str = "children"
    """For counts: the plural noun a count is of, used in "70 children"."""
    publication_lag_months: int | None = Field(None, ge=0, le=36)
    """Months after a period ends by which its figure is due in the data (the DfE's
    figures for a year to March come out in November: 8). A report as at a later
    month then expects that period and says when its figure is missing. Without it a
    figure published less often than the report (a year's, as at June) is stated for
    its latest period in the data, since a late row and one not due yet look alike."""
    at_period_end: bool = False
    """The figure is a count taken at the end of each period (children looked after
    at the month's end), not a total during it. A figure for any period ending the
    same day is then the same count: England's rate at 31 March 2022, published for
    the year 2021/22, compares with the council's for March 2022. Totals during a
    period (children starting to be looked after) never compare across lengths."""
    definition: str = ""
    source: str = ""


class EesValue(_Strict):
    """Where one measure's figures sit in an EES file."""

    value: str
    """Column holding the measure's value."""
    numerator: str | None = None
    denominator: str | None = None


class EesMapping(_Strict):
    """How one shape of Explore Education Statistics file maps onto measures.

    A file matches when it has every column in ``requires``; rows are kept
    where each ``where`` column equals its value.
    """

    name: str
    requires: tuple[str, ...]
    where: dict[str, str] = {}
    measures: dict[str, EesValue]

    def columns(self) -> tuple[str, ...]:
        """Every column a file needs for this mapping to apply: ``requires``, ``where`` and mapped columns."""
        mapped = [c for v in self.measures.values() for c in (v.value, v.numerator, v.denominator) if c]
        return tuple(dict.fromkeys([*self.requires, *self.where, *mapped]))


class Contract(_Strict):
    name: str
    title: str
    measures: dict[str, Measure]
    ees: tuple[EesMapping, ...] = ()

    @field_validator("measures", mode="before")
    @classmethod
    def _ids_from_keys(cls, value: object) -> object:
        """Measures are keyed by id in YAML; the id is copied into each measure."""
        if isinstance(value, dict):
            return {k: {"id": k, **v} if isinstance(v, dict) else v for k, v in value.items()}
        return value

    def measure(self, measure_id: str) -> Measure:
        if measure_id not in self.measures:
            raise UnknownNameError("measure", measure_id, list(self.measures))
        return self.measures[measure_id]


class ContractError(ProblemsError):
    """A data contract file is wrong."""

    what = "data contract"


def available_contracts() -> dict[str, Path]:
    return {p.stem: p for p in sorted(resources.contracts_dir().glob("*.yaml"))}


@cache
def load_contract(path_or_name: str | Path | None = None) -> Contract:
    """Load a contract by file path, or by name from data_contracts/ (default when None)."""
    if path_or_name is None:
        path_or_name = DEFAULT_CONTRACT
    path = Path(path_or_name)
    if path.suffix not in (".yaml", ".yml"):
        known = available_contracts()
        if str(path_or_name) not in known:
            raise UnknownNameError("contract", str(path_or_name), list(known))
        path = known[str(path_or_name)]
    contract = load_model(path, Contract, ContractError)
    problems = [
        Problem(str(path), f"ees.{i}.measures.{mid}", "no such measure in this contract")
        for i, mapping in enumerate(contract.ees)
        for mid in mapping.measures
        if mid not in contract.measures
    ]
    if problems:
        raise ContractError(problems)
    return contract
