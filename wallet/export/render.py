"""The one Jinja environment every export page is rendered with.

Autoescaping is on for every template (not chosen by file suffix), and
undefined names raise: a typo in a template must fail a test, not print an
empty string on a recruiter's screen.  The only markup passed through
unescaped is SVG this package generates itself (QR codes).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("wallet.export", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render(template: str, **values: Any) -> str:
    """Render ``templates/<template>`` with ``values``."""
    return environment().get_template(template).render(**values)
