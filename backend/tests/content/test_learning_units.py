"""The curriculum loader's checks (each failure names its file), the Markdown renderer's safety, and the
suggestion score's factors."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content import curriculum_loader, markdown, suggestions
from app.content.curriculum_loader import CurriculumError, load

TEST_CURRICULUM = Path(__file__).parent / "curriculum"
GOOD = (TEST_CURRICULUM / "lessons" / "first-steps.md").read_text()


def _curriculum(tmp_path: Path, lessons: dict[str, str], paths: str | None = None) -> Path:
    (tmp_path / "lessons").mkdir(parents=True)
    for name, text in lessons.items():
        (tmp_path / "lessons" / name).write_text(text)
    if paths is not None:
        (tmp_path / "paths.yaml").write_text(paths)
    return tmp_path


def test_the_test_curriculum_loads() -> None:
    curriculum = load(TEST_CURRICULUM)
    assert list(curriculum.lessons) == [101, 102, 201, 202, 301, 302]
    assert [p.id for p in curriculum.paths] == ["basics", "indicators", "risk"]
    assert curriculum.neighbours(102) == (101, None) and curriculum.neighbours(302) == (301, None)
    assert curriculum.lessons[101].html.startswith("<h2>Welcome</h2>")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('answer: 0\n    explanation: "The Markets', 'answer: 2\n    explanation: "The Markets'),
            "not an index",
        ),
        (("id: 101", "id: 201"), "INTERMEDIATE range"),
        (("slug: first-steps", "slug: other-name"), "not the file's name"),
        (("type: ARTICLE", "type: VIDEO"), "type"),
        (("example: candles", "example: astrology"), "example"),
        (("minutes: 3", "minutes: 3\ncolour: red"), "colour"),
        (('title: "First steps"', "title: [unclosed"), "not YAML"),
        (("## Welcome\n\nSee the [markets](/markets).", ""), "no body"),
    ],
)
def test_an_invalid_lesson_stops_loading_with_its_file_name(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    assert change[0] in GOOD
    root = _curriculum(tmp_path, {"first-steps.md": GOOD.replace(*change)})
    with pytest.raises(CurriculumError, match=message) as raised:
        load(root)
    assert str(raised.value).startswith("lessons/first-steps.md: ")


def test_duplicates_and_unknown_path_lessons_are_refused(tmp_path: Path) -> None:
    twin = GOOD.replace("slug: first-steps", "slug: twin")
    with pytest.raises(CurriculumError, match=r"lessons/twin\.md: id 101 is also lessons/first-steps\.md"):
        load(_curriculum(tmp_path / "a", {"first-steps.md": GOOD, "twin.md": twin}))
    paths = "- {id: basics, title: B, description: D, difficulty: BEGINNER, lessons: [101, 999]}\n"
    with pytest.raises(CurriculumError, match=r"paths.yaml: path basics lists unknown lessons \[999\]"):
        load(_curriculum(tmp_path / "b", {"first-steps.md": GOOD}, paths))
    with pytest.raises(CurriculumError, match=r"paths\.yaml: "):
        load(_curriculum(tmp_path / "c", {"first-steps.md": GOOD}, "- {id: Not A Slug}\n"))
    with pytest.raises(CurriculumError, match="no YAML front matter"):
        load(_curriculum(tmp_path / "d", {"first-steps.md": "# just text\n"}))


def test_the_product_reads_its_curriculum_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(curriculum_loader, "DIRECTORY", TEST_CURRICULUM)
    assert curriculum_loader.current() is curriculum_loader.current()


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](//evil.example/)",
        "![x](https://example.org/a.png)",
        "<a href='https://example.org'>raw</a>",
    ],
)
def test_markdown_passes_no_html_script_or_unsafe_link(source: str) -> None:
    html = markdown.render(source)
    assert "<script" not in html and "<img" not in html and "<a href='" not in html
    assert 'href="javascript' not in html.lower() and 'href="data' not in html and 'href="//' not in html


def test_markdown_keeps_tables_code_and_safe_links() -> None:
    html = markdown.render(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n`RSI(14)` [form](/alerts/new?symbol=BTC-USD&x=1)"
    )
    assert "<table>" in html and "<code>RSI(14)</code>" in html
    assert '<a href="/alerts/new?symbol=BTC-USD&amp;x=1">form</a>' in html


def test_a_failed_quiz_on_an_alerted_topic_beats_every_other_factor() -> None:
    lessons = [
        suggestions.Candidate(101, "BEGINNER", ("candles",)),
        suggestions.Candidate(201, "INTERMEDIATE", ("rsi", "indicators")),
        suggestions.Candidate(202, "INTERMEDIATE", ("macd",)),
    ]
    reader = suggestions.Reader(
        level="INTERMEDIATE",
        interests=frozenset({"macd"}),
        activity={"rsi": "you have RSI alerts"},
        quiz_best={201: 0.5, 101: 0.7},  # 0.7 passed: no bonus
    )
    ranked = suggestions.rank(lessons, reader, 3)
    assert [(s.lesson_id, s.score) for s in ranked] == [(201, 3.3), (202, 1.5), (101, 0.2)]
    assert ranked[0].reason == "you scored 50% on its quiz; you have RSI alerts"
    assert ranked[1].reason == "at your level (intermediate); about your interests: macd"
