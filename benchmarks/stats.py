"""Medians and paired ratios: the only numbers the report shows."""

from __future__ import annotations

from statistics import median


def median_or_none(values: list[float]) -> float | None:
    """The median, or None for no values."""
    return median(values) if values else None


def paired_ratio(numerator: list[float], denominator: list[float]) -> float | None:
    """The median of per-round ratios numerator[i] / denominator[i].

    Pairing the two measurements of one round cancels most of the machine's slow drifts
    (another job starting, frequency changes): both saw the same conditions.
    """
    pairs = [a / b for a, b in zip(numerator, denominator, strict=False) if b > 0]
    return median(pairs) if pairs else None
