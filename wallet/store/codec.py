"""``Credential`` ⇄ a JSON-ready dict, losing nothing.

The codec is driven by the dataclass type hints in wallet/model.py, so a field
added there is stored without touching this file, and a value of the wrong type
is refused instead of being saved.  Mapping:

* dataclasses → objects with every field (nested Issuer, Achievement, Alignment,
  Related, ResultDescription, Subject, Evidence, Result, StatusEntry, and
  endorsements, which are Credentials themselves);
* tuples → lists; ``datetime`` → ``isoformat()`` (keeps the offset and the
  microseconds); ``bytes`` → base64 text;
* ``document`` and ``jwt_header`` (``dict[str, Any]``) are already JSON and are
  kept as they are; ``payload`` is the exact signed text, stored as a string.

Decoding rejects unknown keys: a record from a newer wallet should fail loudly
rather than lose the fields this version does not know.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import types
import typing
from datetime import datetime
from functools import cache
from typing import Any

from wallet.model import Credential


def dumps(value: Any) -> bytes:
    """JSON bytes for storage.  ``ensure_ascii=False`` keeps non-Latin text compact;
    ``surrogatepass`` keeps even a lone surrogate in a payload, so what comes back
    is exactly what went in."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def loads(raw: bytes) -> Any:
    """The inverse of ``dumps``; ``ValueError`` for anything that is not such JSON."""
    return json.loads(raw.decode("utf-8", "surrogatepass"))


class CodecError(ValueError):
    """The data does not describe a Credential of this version of the model."""


def credential_to_dict(credential: Credential, *, with_original: bool = True) -> dict[str, Any]:
    """A JSON-ready dict; ``with_original=False`` leaves out the top-level original
    bytes (the store keeps them in their own table)."""
    data = _encode(credential, Credential)
    if not with_original:
        del data["original"]
    assert isinstance(data, dict)
    return data


def credential_from_dict(data: Any, *, original: bytes | None = None) -> Credential:
    """The Credential ``data`` describes; ``original`` fills in bytes stored apart."""
    value = _decode(data, Credential, "credential")
    assert isinstance(value, Credential)
    return value if original is None else dataclasses.replace(value, original=original)


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _optional_arm(hint: Any) -> Any | None:
    """``X`` for ``X | None``; None for anything else."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        arms = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(arms) == 1:
            return arms[0]
        raise TypeError(f"unsupported union {hint!r}")
    return None


def _encode(value: Any, hint: Any) -> Any:
    if value is None:
        return None
    arm = _optional_arm(hint)
    if arm is not None:
        return _encode(value, arm)
    origin = typing.get_origin(hint)
    if origin is tuple:
        (item, _ellipsis) = typing.get_args(hint)
        return [_encode(v, item) for v in value]
    if hint is bytes:
        return base64.b64encode(value).decode("ascii")
    if hint is datetime:
        return value.isoformat()
    if dataclasses.is_dataclass(hint):
        hints = _hints(typing.cast(type, hint))
        return {f.name: _encode(getattr(value, f.name), hints[f.name]) for f in dataclasses.fields(hint)}
    # str, int, float, bool, dict[str, Any], Any: JSON already
    return value


def _decode(value: Any, hint: Any, where: str) -> Any:
    arm = _optional_arm(hint)
    if arm is not None:
        return None if value is None else _decode(value, arm, where)
    origin = typing.get_origin(hint)
    if origin is tuple:
        (item, _ellipsis) = typing.get_args(hint)
        _expect(value, list, where)
        return tuple(_decode(v, item, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        return _expect(value, dict, where)
    if hint is Any:
        return value
    if hint is bytes:
        try:
            return base64.b64decode(_expect(value, str, where), validate=True)
        except binascii.Error as exc:
            raise CodecError(f"{where}: not base64") from exc
    if hint is datetime:
        try:
            return datetime.fromisoformat(_expect(value, str, where))
        except ValueError as exc:
            raise CodecError(f"{where}: not an ISO date-time") from exc
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CodecError(f"{where}: expected a number")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise CodecError(f"{where}: expected an integer")
        return value
    if hint in (str, bool):
        return _expect(value, hint, where)
    if dataclasses.is_dataclass(hint):
        return _decode_dataclass(value, typing.cast(type, hint), where)
    raise TypeError(f"the codec does not know how to store {hint!r}")


def _decode_dataclass(value: Any, cls: type, where: str) -> Any:
    _expect(value, dict, where)
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(value) - names
    if unknown:
        raise CodecError(f"{where}: unknown fields {sorted(unknown)}")
    kwargs = {name: _decode(v, hints[name], f"{where}.{name}") for name, v in value.items()}
    try:
        return cls(**kwargs)
    except TypeError as exc:  # a required field is missing
        raise CodecError(f"{where}: {exc}") from exc


def _expect(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind):
        raise CodecError(f"{where}: expected {kind.__name__}, got {type(value).__name__}")
    return value
