"""The package's exception tree: every error a user can meet is a ``CoopAnalysisError``."""

from __future__ import annotations


class CoopAnalysisError(Exception):
    """Base class of every error raised on purpose by coop_analysis."""


class QuantityError(CoopAnalysisError, ValueError):
    """A text is not a quantity the parser can read."""


class UnknownRegionError(CoopAnalysisError, LookupError):
    """A province or place name that resolves to nothing; the message lists close matches."""

    def __init__(self, name: object, suggestions: list[str] | None = None) -> None:
        self.name = name
        self.suggestions = list(suggestions or [])
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        shown = repr(name) if len(repr(name)) <= 80 else f"{repr(name)[:60]}… ({len(str(name))} characters)"
        super().__init__(f"unknown province or region {shown}{hint}")


class DataValidationError(CoopAnalysisError, ValueError):
    """A data file breaks its schema or an integrity rule.

    Attributes:
        problems: one human-readable line per problem, each naming the file,
            row, column and what was expected.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        shown = "\n  ".join(self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(
            f"{len(self.problems)} data {'problem' if len(self.problems) == 1 else 'problems'}:\n  {shown}{more}"
        )


class SourceError(CoopAnalysisError, ValueError):
    """A source file cannot be read or added (encoding, empty file, existing id …)."""


class MissingRateError(CoopAnalysisError, LookupError):
    """No exchange rate for a currency in a year (the table has a gap; no rate is made up)."""

    def __init__(self, currency: object, year: object, known_years: list[int] | None = None) -> None:
        self.currency = currency
        self.year = year
        span = f"; the table has {currency} for {min(known_years)}–{max(known_years)}" if known_years else ""
        super().__init__(f"no annual exchange rate for {currency!r} in {year!r} in exchange_rates.csv{span}")


class ProjectRootError(CoopAnalysisError, FileNotFoundError):
    """The project folder (``COOP_ANALYSIS_ROOT``, ``--root`` or this checkout) does not hold ``data/``."""


class OutputError(CoopAnalysisError):
    """An output folder or file cannot be written (a file in the way, read-only, disk full …)."""


class RevisionError(CoopAnalysisError, LookupError):
    """A git revision that is not in the repository (``coop-analysis diff``); the message says why."""


class PeriodError(CoopAnalysisError, ValueError):
    """A date or period that is not a real calendar date, or whose start is after its end."""
