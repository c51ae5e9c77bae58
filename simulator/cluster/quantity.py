"""Kubernetes resource quantities: ``"500m"``, ``"1Gi"``, ``"1e3"``, ``"0.5"`` parsed exactly.

apimachinery's ``resource.ParseQuantity`` accepts a signed decimal number followed by one suffix:
a binary SI one (``Ki Mi Gi Ti Pi Ei``, powers of 1024), a decimal SI one (``n u m "" k M G T P E``)
or a decimal exponent (``e3``, ``E-2``).  The scheduler then reads CPU as ``MilliValue()`` and
everything else as ``Value()``, both rounded *up* (``ceil``) to an integer, in int64.  The values
here are kept as exact fractions, so no float ever rounds a request.

Examples:
    >>> parse_quantity("500m").milli_value()
    500
    >>> parse_quantity("1Gi").value()
    1073741824
    >>> parse_quantity("1e3").value(), parse_quantity("0.5").milli_value()
    (1000, 500)
    >>> parse_quantity("0.1m").milli_value()  # rounded up, as Go does
    1
    >>> parse_quantity("1E").value()  # E alone is exa, e3 is an exponent
    1000000000000000000
    >>> parse_quantity("3.001n").amount  # nine decimal places at most, rounded up
    Fraction(1, 250000000)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from .errors import InvalidQuantity

__all__ = ["Quantity", "cpu_millis", "format_bytes", "format_cpu", "parse_quantity", "resource_value"]

_SHAPE = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_INT64_MAX = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Quantity:
    """An exact quantity and the text it was written as."""

    amount: Fraction
    text: str

    def value(self) -> int:
        """``Value()``: the amount rounded up to an integer (bytes, pods, devices)."""
        return _clamp(math.ceil(self.amount))

    def milli_value(self) -> int:
        """``MilliValue()``: thousandths, rounded up (how the scheduler reads CPU)."""
        return _clamp(math.ceil(self.amount * 1000))

    def __str__(self) -> str:
        return self.text


def _clamp(n: int) -> int:
    # Go's Value()/MilliValue() saturate at the int64 range.
    return max(-_INT64_MAX - 1, min(_INT64_MAX, n))


def parse_quantity(text: object) -> Quantity:
    """Parse a quantity as ``resource.ParseQuantity`` does; ints and floats are taken as written."""
    if isinstance(text, bool) or text is None:
        raise InvalidQuantity(text)
    if isinstance(text, int):
        return Quantity(Fraction(text), str(text))
    if isinstance(text, float):
        if not math.isfinite(text):
            raise InvalidQuantity(text)
        text = repr(text)
    if not isinstance(text, str):
        raise InvalidQuantity(text)
    s = text.strip()
    if s != text or not s:
        raise InvalidQuantity(text, "quantities must not be empty or have surrounding spaces")
    m = _SHAPE.match(s)
    if not m:
        raise InvalidQuantity(text)
    number, suffix = m.groups()
    if not _NUMBER.match(number):
        raise InvalidQuantity(text, "unable to parse quantity's number")
    amount = Fraction(number)
    if suffix in _BINARY:
        amount *= _BINARY[suffix]
    elif suffix in _DECIMAL:
        amount *= Fraction(10) ** _DECIMAL[suffix]
    elif len(suffix) > 1 and suffix[0] in "eE" and re.fullmatch(r"[-+]?[0-9]+", suffix[1:]):
        amount *= Fraction(10) ** int(suffix[1:])
    else:
        raise InvalidQuantity(text, "unable to parse quantity's suffix")
    # Quantities keep at most nine decimal places, rounded away from zero ("3.001n" is 4n).
    nanos = amount * 10**9
    if nanos.denominator != 1:
        nanos = Fraction(math.ceil(nanos) if nanos > 0 else math.floor(nanos))
    return Quantity(nanos / 10**9, s)


def cpu_millis(text: object) -> int:
    """CPU in millicores: ``"1.5"`` -> 1500, ``"250m"`` -> 250."""
    return parse_quantity(text).milli_value()


def resource_value(resource: str, text: object) -> int:
    """The integer the scheduler uses for ``resource``: millicores for cpu, ``Value()`` otherwise."""
    q = parse_quantity(text)
    return q.milli_value() if resource == "cpu" else q.value()


def format_cpu(millis: int) -> str:
    """``1500`` -> ``"1500m"``, ``2000`` -> ``"2"`` (how kubectl prints CPU)."""
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def format_bytes(n: int) -> str:
    """``536870912`` -> ``"512Mi"``; exact binary units only, else plain bytes."""
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = _BINARY[suffix]
        if n and n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)
