"""The collection model's filtering and the verdict colours, without a window."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from wallet.ui.models import ALL, ATTENTION, RECENT, CollectionModel, Scope, haystack, matches, search_terms
from wallet.ui.theme import VERDICT_STYLES, tone_colors, verdict_style


@dataclass(frozen=True)
class Row:
    id: str
    name: str
    issuer: str
    verdict: str | None
    issued: datetime | None
    added_at: datetime
    skills: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    format: str = "ob3-json"
    parent_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


WORDS = ["rust", "python", "design", "cloud", "safety", "data", "team", "speaking", "ml", "web"]


def rows(n: int = 300) -> list[Row]:
    rng = random.Random(3)
    now = datetime.now(UTC)
    out = []
    for i in range(n):
        words = rng.sample(WORDS, 3)
        out.append(
            Row(
                id=f"r{i}",
                name=f"{words[0].title()} {words[1]} #{i}",
                issuer=rng.choice(["Open Skills Academy", "City College", "Northwind"]),
                verdict=rng.choice(["valid", "valid", "expired", "revoked", None]),
                issued=now - timedelta(days=rng.randint(0, 900)),
                added_at=now - timedelta(days=rng.randint(0, 90)),
                skills=(words[2],),
                tags=("tag-" + words[0],),
            )
        )
    return out


def expected(data: list[Row], query: str, scope: Scope = ALL) -> set[str]:
    now = datetime.now(UTC)
    terms = search_terms(query)
    return {r.id for r in data if scope.accepts(r, now) and matches(haystack(r), terms)}


def test_typing_forwards_and_backwards_always_matches_a_full_search(qtbot: Any) -> None:
    data = rows()
    model = CollectionModel()
    model.set_summaries(data)
    for query in ["r", "ru", "rus", "rust", "rust d", "rust da", "rust", "ru", "", "Team", "team sp", "x", ""]:
        model.set_query(query)
        assert set(model.visible_ids()) == expected(data, query), query
    model.set_query("data")
    model.set_scope(ATTENTION)
    assert set(model.visible_ids()) == expected(data, "data", ATTENTION)
    model.set_scope(Scope("issuer", "Northwind"))
    assert set(model.visible_ids()) == expected(data, "data", Scope("issuer", "Northwind"))
    model.set_scope(RECENT)
    model.set_query("")
    assert set(model.visible_ids()) == expected(data, "", RECENT)


def test_sorting_keeps_the_filter(qtbot: Any) -> None:
    data = rows()
    model = CollectionModel()
    model.set_summaries(data)
    model.set_query("cloud")
    model.set_sort("name")
    names = [model.summary(r).name.casefold() for r in model.visible_ids()]
    assert names == sorted(names)
    assert set(model.visible_ids()) == expected(data, "cloud")
    model.set_sort("date")
    dates = [model.summary(r).issued for r in model.visible_ids()]
    assert dates == sorted(dates, reverse=True)


def _luminance(color: Any) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


@pytest.mark.parametrize("dark", [False, True])
def test_verdict_chips_are_readable_in_light_and_dark(qapp: Any, dark: bool) -> None:
    from wallet.ui.theme import dark_palette

    palette = dark_palette() if dark else qapp.style().standardPalette()
    for verdict, style in [*VERDICT_STYLES.items(), (None, verdict_style(None))]:
        bg, fg = tone_colors(style.tone, palette)
        lighter, darker = sorted((_luminance(bg), _luminance(fg)), reverse=True)
        ratio = (lighter + 0.05) / (darker + 0.05)
        assert ratio >= 4.5, (verdict, dark, ratio)  # WCAG AA for normal text
        assert style.label and style.shape  # never colour alone
