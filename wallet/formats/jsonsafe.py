"""JSON with size and nesting caps checked *before* ``json.loads`` runs.

``json.loads`` recurses once per nesting level, so 100,000 opening brackets
end in ``RecursionError`` (or worse, a crash in C code) after a long time.
The depth scan below never recurses: it removes string literals with one
regular expression (so brackets inside strings do not count) and takes the
running maximum of the bracket balance with ``itertools.accumulate`` — both
run in C, so a 5 MB document is scanned in milliseconds.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from wallet.errors import FormatError, LimitExceeded
from wallet.formats.common import check_size
from wallet.limits import Limits

# A complete JSON string literal, escapes included (unrolled-loop form: linear time).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def max_depth(text: str) -> int:
    """Deepest bracket nesting outside string literals (0 for a scalar)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    return max(accumulate(map(_STEP.__getitem__, brackets)))


def loads_limited(data: str | bytes, limits: Limits, what: str = "JSON") -> Any:
    """Parse JSON text after checking it against the size and depth limits.

    Raises ``LimitExceeded`` naming the limit, or ``FormatError`` for text
    that is not JSON.  Never lets ``RecursionError``/``ValueError`` escape.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    check_size(size, limits.max_json_bytes, what)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(f"{what} is not valid UTF-8 text", detail=str(exc)) from None
    depth = max_depth(data)
    if depth > limits.max_json_depth:
        raise LimitExceeded(f"{what} is nested deeper than the {limits.max_json_depth}-level limit")
    try:
        return json.loads(data, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        # ValueError covers JSONDecodeError and the int-digits guard.
        raise FormatError(f"{what} is not valid JSON ({_short(exc)})", detail=repr(exc)) from None


def _reject_constant(name: str) -> Any:
    """NaN and Infinity are not JSON; Python accepts them by default."""
    raise ValueError(f"{name} is not allowed in JSON")


def _short(exc: Exception) -> str:
    message = str(exc)
    return message if len(message) <= 120 else message[:117] + "..."
