"""The Skills page driven like a user would: open it, read the heat map, click cells, compare with a role.

The wallet holds credentials shaped like real ones: OB 3.0 badges aligned to
ESCO and O*NET codes, tags that name the same skill as a code, a badge past
its ``validUntil`` (verdict "expired"), one only checked offline, and a CLR
2.0 learner record whose courses build on each other (a stack, and a next
course the earner does not hold yet).  They are stored the way the importer
stores them (parsed from JSON, with a recorded report), so the page reads
them through the session like any other wallet.

Run as a module to write the page's screenshots::

    QT_QPA_PLATFORM=offscreen python -m tests.ui.test_skills_view docs/screenshots
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QUrl

from tests.ui.conftest import WAIT_MS
from tests.ui.factory import PASSPHRASE, fake_report, open_options
from wallet.skills import BY_ISSUER, MISSING, PROVEN, STALE_ONLY
from wallet.ui.main_window import PAGE_COLLECTION, PAGE_SKILLS

ROOT = Path(__file__).resolve().parents[2]
SKILLS_DATA = ROOT / "tests" / "data" / "skills"
SQL = "code:esco:s1.5.2"
PYTHON = "code:esco:s1.2.1"
SPREADSHEETS = "code:esco:s5.6.1"
TEAMWORK = "name:teamwork"
ACADEMY = ("Open Skills Academy", "https://academy.example.net")
ACME = ("Acme Institute of Technology", "https://acme.example.org")


def ob3(
    name: str,
    issuer: tuple[str, str],
    issued: str,
    *,
    alignments: list[dict[str, str]] = (),  # type: ignore[assignment]
    tags: list[str] = (),  # type: ignore[assignment]
    valid_until: str | None = None,
    related: list[str] = (),  # type: ignore[assignment]
) -> bytes:
    """An OB 3.0 OpenBadgeCredential as an issuer would write it (no proof: the report is recorded)."""
    slug = name.lower().replace(" ", "-")
    achievement: dict[str, Any] = {
        "id": f"{issuer[1]}/achievements/{slug}",
        "type": ["Achievement"],
        "name": name,
        "criteria": {"narrative": f"Complete {name}."},
        "alignment": [{"type": ["Alignment"], **a} for a in alignments],
        "tag": list(tags),
    }
    if related:
        achievement["related"] = [{"id": r, "type": ["Related"]} for r in related]
    doc: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{abs(hash(name)) % 10**12:012d}-skills",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer[1] + "/issuer", "type": ["Profile"], "name": issuer[0], "url": issuer[1]},
        "validFrom": issued,
        "name": name,
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": achievement},
    }
    if valid_until:
        doc["validUntil"] = valid_until
    return json.dumps(doc).encode()


def skills_wallet_files() -> list[tuple[str, bytes, str]]:
    """(file name, bytes, verdict the recorded report gives) for the demo wallet."""
    esco, onet = "ESCO", "O*NET-SOC Content Model"
    return [
        ("clr_pathway.json", (SKILLS_DATA / "clr_pathway.json").read_bytes(), "valid"),
        ("query-ninja.json", ob3("Query Ninja", ACADEMY, "2024-05-01T00:00:00Z", tags=["sql", "Teamwork"]), "valid"),
        (
            "python-fundamentals.json",
            ob3(
                "Python Fundamentals",
                ACME,
                "2021-03-01T00:00:00Z",
                valid_until="2022-03-01T00:00:00Z",
                alignments=[
                    {
                        "targetName": "Python (computer programming)",
                        "targetFramework": esco,
                        "targetCode": "S1.2.1",
                        "targetUrl": "http://data.europa.eu/esco/skill/python",
                    }
                ],
                tags=["programming"],
            ),
            "expired",
        ),
        (
            "team-leadership.json",
            ob3(
                "Team Leadership",
                ACME,
                "2022-06-15T00:00:00Z",
                tags=["Teamwork", "leadership"],
                related=["https://academy.example.net/achievements/mentoring-others"],
            ),
            "incomplete",
        ),
        (
            "data-viz-basics.json",
            ob3(
                "Data Visualisation Basics",
                ACADEMY,
                "2023-09-20T00:00:00Z",
                alignments=[
                    {"targetName": "Data Visualization", "targetFramework": onet, "targetCode": "4.A.3.b.4"},
                    {"targetName": "Spreadsheet software", "targetFramework": esco, "targetCode": "S5.6.1"},
                ],
            ),
            "valid",
        ),
    ]


def make_skills_wallet(home: Path) -> None:
    from wallet.formats import parse
    from wallet.store import AddItem, WalletStore

    now = datetime(2025, 6, 1, tzinfo=UTC)
    with WalletStore.open(home, passphrase=PASSPHRASE, **open_options()) as store:
        for name, data, verdict in skills_wallet_files():
            items = [AddItem(c, fake_report(c, verdict, now=now), source=name) for c in parse(data, name)]
            store.add_many(items)


def open_skills(qtbot: Any, open_app: Any, home: Path) -> Any:
    make_skills_wallet(home)
    app = open_app()
    window = app.window
    window.show_skills()
    assert window.stack.currentIndex() == PAGE_SKILLS
    qtbot.waitUntil(lambda: window.skills.snapshot is not None, timeout=WAIT_MS)
    return app


def click_cell(qtbot: Any, heat: Any, skill_key: str, column: str | None) -> None:
    heat.ensure_visible(skill_key, column)
    rect = heat.cell_rect(skill_key, column)
    qtbot.mouseClick(heat.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def badge_names(view: Any) -> list[str]:
    return [view.badges.topLevelItem(i).text(0) for i in range(view.badges.topLevelItemCount())]


# --------------------------------------------------------------------------- tests


def test_heat_map_counts_and_the_badges_behind_a_cell(qtbot: Any, open_app: Any, home: Path) -> None:
    app = open_skills(qtbot, open_app, home)
    window = app.window
    view = window.skills
    heat = view.heat
    assert window.sidebar.currentItem() is not None and window.sidebar.currentItem().text(0) == "Skills"
    assert heat.table.columns == ("2021", "2022", "2023", "2024")
    # SQL: the CLR's DA 201 (coded ESCO S1.5.2) and "Query Ninja" (tag "sql", joined to the one coded SQL)
    assert heat.cell(SQL, "2024").count == 2
    assert heat.cell(SQL, "2024").fresh == 2
    # Python: one badge, expired, so stale
    python = heat.cell(PYTHON, "2021")
    assert (python.count, python.fresh, python.stale) == (1, 0, 1)
    # Teamwork: a valid 2024 tag and an offline-checked (not verified) 2022 one
    assert (heat.cell(TEAMWORK, "2022").count, heat.cell(TEAMWORK, "2022").fresh) == (1, 0)
    assert (heat.cell(TEAMWORK, "2024").count, heat.cell(TEAMWORK, "2024").fresh) == (1, 1)
    assert heat.cell(SPREADSHEETS, "2023").count == 2  # DA 101 (Dec 2023) and Data Visualisation Basics
    assert heat.cell(PYTHON, "2024") is None
    assert "ESCO" in [r.group for r in heat.table.rows if r.group]
    assert view.legend.max_count == 2

    click_cell(qtbot, heat, SQL, "2024")
    assert sorted(badge_names(view)) == ["DA 201 SQL for Analysts", "Query Ninja"]
    assert "SQL" in view.cell_title.text() and "2 badges" in view.cell_title.text()
    click_cell(qtbot, heat, PYTHON, "2021")
    assert badge_names(view) == ["Python Fundamentals"]
    assert view.badges.topLevelItem(0).text(3) == "Stale"
    click_cell(qtbot, heat, TEAMWORK, None)  # a skill's name lists all of its badges
    assert badge_names(view) == ["Team Leadership", "Query Ninja"]

    # issuers as columns
    view.issuers_button.click()
    assert heat.by == BY_ISSUER
    assert heat.cell(SQL, "Example University").count == 1
    assert heat.cell(SQL, ACADEMY[0]).count == 1
    totals = [
        sum(c.count for (_, col), c in heat.table.cells.items() if col == column) for column in heat.table.columns
    ]
    assert totals == sorted(totals, reverse=True) and heat.table.columns[0] == ACME[0]  # busiest issuers first
    click_cell(qtbot, heat, SQL, ACADEMY[0])
    assert badge_names(view) == ["Query Ninja"]

    # a badge from the list opens in the collection, with its detail
    view.badges.setCurrentItem(view.badges.topLevelItem(0))
    assert view.show_button.isEnabled()
    record_id = view.badges.current_record()
    qtbot.mouseClick(view.show_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentIndex() == PAGE_COLLECTION
    assert window.current_id() == record_id
    qtbot.waitUntil(lambda: window.detail.record is not None and window.detail.record.record_id == record_id)


def test_filter_keyboard_and_tooltips(qtbot: Any, open_app: Any, home: Path) -> None:
    view = open_skills(qtbot, open_app, home).window.skills
    heat = view.heat
    view.filter.setText("esco")
    assert set(heat.skill_keys()) >= {SQL, PYTHON, SPREADSHEETS} and TEAMWORK not in heat.skill_keys()
    view.filter.clear()
    heat.setFocus()
    heat.select(SQL, "2024")
    qtbot.keyClick(heat, Qt.Key.Key_Left)
    assert heat.selected == (SQL, "2023")
    assert heat._tooltip(heat._hit(heat.cell_rect(SQL, "2024").center())).startswith("SQL · 2024: 2 badges")
    name_tip = heat._tooltip(heat._hit(QPoint(5, heat.cell_rect(SQL, None).center().y())))
    assert name_tip.startswith("SQL (ESCO S1.5.2)") and "2 fresh" in name_tip


def test_stacks_and_earn_next(qtbot: Any, open_app: Any, home: Path) -> None:
    view = open_skills(qtbot, open_app, home).window.skills
    view.tabs.setCurrentIndex(1)
    cards = view.stacks_panel.cards
    assert len(cards) == 1
    pills = [(p.name, p.held) for p in cards[0].pills]
    assert pills[:2] == [("DA 101 Spreadsheets for Analysis", True), ("DA 201 SQL for Analysts", True)]
    assert ("DA 301 Data Visualisation", False) in pills
    assert pills[-1] == ("Data Analytics Certificate", False)
    opened: list[QUrl] = []
    view.earn.opener = opened.append
    rows = {view.earn.topLevelItem(i).text(0): view.earn.topLevelItem(i) for i in range(view.earn.topLevelItemCount())}
    assert "DA 301 Data Visualisation" in rows
    assert "next after DA 201 SQL for Analysts" in rows["DA 301 Data Visualisation"].text(1)
    view.earn.itemActivated.emit(rows["DA 301 Data Visualisation"], 0)
    assert [u.toString() for u in opened] == ["https://uni.example/courses/da-301"]
    # known only by its URL (OB 3.0 "related"): shown by the URL's last part, opened from the button
    assert "related to Team Leadership" in rows["mentoring others"].text(1)
    view.earn.setCurrentItem(rows["mentoring others"])
    assert view.open_link_button.isEnabled()
    qtbot.mouseClick(view.open_link_button, Qt.MouseButton.LeftButton)
    assert opened[-1].toString() == "https://academy.example.net/achievements/mentoring-others"


def test_target_role_gap_report(qtbot: Any, open_app: Any, home: Path) -> None:
    view = open_skills(qtbot, open_app, home).window.skills
    view.tabs.setCurrentIndex(2)
    role = (SKILLS_DATA / "data_analyst_role.json").read_text(encoding="utf-8")
    view.target.set_text(role)
    qtbot.mouseClick(view.target.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.target.report is not None, timeout=WAIT_MS)
    rows = dict(view.target.rows())
    assert rows["SQL (ESCO S1.5.2)"] == PROVEN
    assert rows["Python (computer programming) (ESCO S1.2.1)"] == STALE_ONLY
    assert rows["Spreadsheet software"] == PROVEN
    assert rows["Data visualisation"] == PROVEN  # synonym "Data Visualization", the O*NET-coded badge
    assert rows["Project management"] == MISSING
    assert rows["Statistics"] == MISSING
    assert "Junior Data Analyst</b>: 3 proven · 1 stale · 3 missing" in view.target.counts.text()
    statistics = next(
        view.target.tree.topLevelItem(i)
        for i in range(view.target.tree.topLevelItemCount())
        if view.target.tree.topLevelItem(i).text(0) == "Statistics"
    )
    children = [statistics.child(i).text(2) for i in range(statistics.childCount())]
    assert any("earn Data Analytics Certificate" in c for c in children)  # a suggestion for a missing skill
    sql = view.target.tree.topLevelItem(0)
    evidence = [sql.child(i).text(2) for i in range(sql.childCount())]
    assert any("same framework code" in e for e in evidence)
    assert any(e.startswith("DA 201 SQL for Analysts") for e in evidence)

    # pasted free text: only names the wallet knows are recognised, whole words
    view.target.set_text("We want SQL, teamwork and programming experience. Kubernetes is a plus.")
    view.target.compare()
    qtbot.waitUntil(
        lambda: view.target.report is not None and view.target.report.target.mode == "text", timeout=WAIT_MS
    )
    rows = dict(view.target.rows())
    assert rows == {"SQL (ESCO S1.5.2)": PROVEN, "Teamwork": PROVEN, "programming": STALE_ONLY}

    view.target.set_text("   ")
    view.target.compare()
    assert "Paste" in view.target.counts.text() and view.target.tree.topLevelItemCount() == 0


def test_the_page_follows_changes_to_the_wallet(qtbot: Any, open_app: Any, home: Path) -> None:
    app = open_skills(qtbot, open_app, home)
    window = app.window
    view = window.skills
    first = view.snapshot
    record_id = next(s.id for s in window.model.all_summaries() if s.name == "Query Ninja")
    removed: list[Any] = []
    app.session.remove(record_id, removed.append)
    qtbot.waitUntil(lambda: view.snapshot is not first, timeout=WAIT_MS)
    assert view.heat.cell(SQL, "2024").count == 1
    assert view.heat.cell(TEAMWORK, "2024") is None
    second = view.snapshot
    app.session.restore_removed(removed[0])
    qtbot.waitUntil(lambda: view.snapshot is not second, timeout=WAIT_MS)
    assert view.heat.cell(SQL, "2024").count == 2
    assert window.stack.currentIndex() == PAGE_SKILLS  # a reload of the collection does not leave the page


def test_an_empty_wallet_says_where_skills_come_from(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store()
    window = open_app().window
    window.show_skills()
    qtbot.waitUntil(lambda: window.skills.snapshot is not None, timeout=WAIT_MS)
    assert window.skills.heat.table.rows == ()
    assert "No skills yet" in window.skills.heat.empty_text
    assert window.skills.summary.text().startswith("0 skills from 0 badges")
    assert window.skills.stacks_panel.cards == [] and window.skills.earn.topLevelItemCount() == 1


def test_dark_palette_keeps_counts_readable(qtbot: Any, open_app: Any, home: Path) -> None:
    from wallet.ui.skills_view import cell_color, readable_on
    from wallet.ui.theme import dark_palette

    view = open_skills(qtbot, open_app, home).window.skills
    view.setPalette(dark_palette())
    for tone in ("fresh", "unverified", "stale"):
        for strength in (0.0, 0.5, 1.0):
            fill = cell_color(tone, strength, dark_palette())
            text = readable_on(fill)
            assert abs(text.lightness() - fill.lightness()) > 90, (tone, strength, fill.name())
    image = view.grab()
    assert not image.isNull()


# --------------------------------------------------------------------------- screenshots


def main(out: Path) -> int:
    """Write docs/screenshots/skills-heatmap.png, skills-gap.png, skills-stacks.png and skills-heatmap-dark.png."""
    import tempfile

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tests.ui.shots import SIZE, wait
    from wallet.ui.app import WalletApp, grab_window

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="bw-skills-shots-"))
    make_skills_wallet(tmp / "wallet")
    wallet_app = WalletApp(
        tmp / "wallet", settings=QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat),
        open_options=open_options(), passphrase=PASSPHRASE,
    )  # fmt: skip
    wallet_app.window.resize(*SIZE)
    wallet_app.start()
    window = wallet_app.window
    wait(app, lambda: wallet_app.session.is_open and window.model.loaded)
    window.show_skills()
    wait(app, lambda: window.skills.snapshot is not None and not wallet_app.tasks.busy)
    view = window.skills
    view.heat.select(SQL, "2024")
    view.badges.setCurrentItem(view.badges.topLevelItem(0))
    wait(app, lambda: not wallet_app.tasks.busy)
    grab_window(window).save(str(out / "skills-heatmap.png"), "PNG")
    print("wrote", out / "skills-heatmap.png")
    view.tabs.setCurrentIndex(2)
    view.target.set_text((SKILLS_DATA / "data_analyst_role.json").read_text(encoding="utf-8"))
    view.target.compare()
    wait(app, lambda: view.target.report is not None and not wallet_app.tasks.busy)
    for i in range(view.target.tree.topLevelItemCount()):
        item = view.target.tree.topLevelItem(i)
        item.setExpanded(item.data(1, Qt.ItemDataRole.UserRole) != PROVEN or i == 0)
    wait(app, lambda: True)
    grab_window(window).save(str(out / "skills-gap.png"), "PNG")
    print("wrote", out / "skills-gap.png")
    view.tabs.setCurrentIndex(1)
    wait(app, lambda: True)
    grab_window(window).save(str(out / "skills-stacks.png"), "PNG")
    print("wrote", out / "skills-stacks.png")
    from wallet.ui.app import apply_color_scheme

    apply_color_scheme(app, True)
    view.tabs.setCurrentIndex(0)
    view.issuers_button.click()
    view.heat.select(TEAMWORK, None)
    wait(app, lambda: True)
    grab_window(window).save(str(out / "skills-heatmap-dark.png"), "PNG")
    print("wrote", out / "skills-heatmap-dark.png")
    wallet_app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
