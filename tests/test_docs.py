"""The front page stays a front page and the reference stays complete (the datasette habit): every
command and flag of the CLI is in docs/cli.md under its command, every field name of the JSON that
storycheck really writes (compare and story documents, stored stories, duplicates, claim scores,
alerts) is in docs/json.md, every link between the documents resolves, and the released version has
its CHANGELOG entry."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import EXAMPLES, ROOT

from storycheck import __version__
from storycheck.cli import main

DOCS = ROOT / "docs"
README = ROOT / "README.md"
CHANGELOG = ROOT / "CHANGELOG.md"


def _word(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def test_readme_is_a_front_page():
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 12 * 1024, "README.md is over 12 KB: move reference to docs/"
    assert "make demo\nmake test" in text and "docs/story-page.png" in text
    for doc in ("docs/cli.md", "docs/json.md", "docs/api.md", "docs/settings.md", "CHANGELOG.md"):
        assert f"]({doc})" in text, f"README.md does not point to {doc}"


def test_changelog_keeps_a_changelog_with_the_current_version():
    text = CHANGELOG.read_text(encoding="utf-8")
    versions = re.findall(r"^## \[([^\]]+)\]", text, re.M)
    assert versions[0] == "Unreleased"
    assert __version__ in versions, f"CHANGELOG.md has no '## [{__version__}]' entry"
    assert {"0.1.0", "0.5.0", "0.6.0", "0.7.0", "0.8.0"} <= set(versions)


def _md_files() -> list[Path]:
    return [README, CHANGELOG, *sorted(DOCS.glob("*.md"))]


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation but '-' and '_' dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("path", _md_files(), ids=lambda p: p.name)
def test_relative_links_resolve(path):
    text = path.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        assert dest.exists(), f"{path.name}: link to missing {target}"
        if anchor and dest.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", dest.read_text(encoding="utf-8"), re.M)
            assert anchor in {_anchor(h) for h in headings}, f"{path.name}: no heading for #{anchor} in {dest.name}"


def _commands(group: click.Group, prefix: str = "storycheck") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, cmd in group.commands.items():
        out[f"{prefix} {name}"] = cmd
        if isinstance(cmd, click.Group):
            out |= _commands(cmd, f"{prefix} {name}")
    return out


def _sections(text: str) -> dict[str, str]:
    """The text under each '## `storycheck …`' heading of docs/cli.md, by command."""
    parts = re.split(r"^## `(storycheck [^`]+)`$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_command_and_flag_is_in_cli_md():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    sections = _sections(text)
    commands = _commands(main)
    assert set(commands) == set(sections), "docs/cli.md sections differ from the commands"
    ctx = click.Context(main)
    for opt in (*main.get_help_option(ctx).opts, *[o for p in main.params for o in p.opts]):  # type: ignore[union-attr]
        assert _word(opt, text), f"docs/cli.md lacks the top-level option {opt}"
    for name, cmd in commands.items():
        for param in cmd.params:
            if isinstance(param, click.Option):
                for opt in (*param.opts, *param.secondary_opts):
                    assert _word(opt, sections[name]), f"docs/cli.md: {name} lacks {opt}"
                for choice in getattr(param.type, "choices", ()):
                    assert _word(str(choice), sections[name]), f"docs/cli.md: {name} {param.opts[0]} lacks {choice}"


def _keys(value: Any, skip: set[str], out: set[str]) -> set[str]:
    """Every key of every object in a JSON value, except keys that are data (article and story ids)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in skip:
                out.add(k)
            _keys(v, skip, out)
    elif isinstance(value, list):
        for v in value:
            _keys(v, skip, out)
    return out


@pytest.fixture(scope="module")
def documents(example_result, tmp_path_factory) -> dict[str, Any]:
    """Real JSON storycheck writes, from our sample story: the compare document, a stored story's
    duplicates and list row, claim scores and the alerts the story raises (also as stored)."""
    import storycheck
    from storycheck._pipeline import story_document
    from storycheck.watch import story_alerts

    arts = list(example_result.values())
    doc = story_document(arts)
    ids = [a.id for a in arts]
    tmp = tmp_path_factory.mktemp("docs")
    wire = next(a for a in arts if a.outlet == "Coastline Wire")
    (tmp / "copy.txt").write_text(f"outlet Echo Daily\n\n{wire.title}\n\n{wire.text}\nThe bridge reopens in May.\n",
                                  encoding="utf-8")
    with storycheck.open_store(tmp / "s.db") as st:
        storycheck.add([EXAMPLES, tmp / "copy.txt"], store=st)
        sid = st.find_story(wire.id)
        assert sid is not None
        duplicates = st.story_duplicates(sid)
        stories = st.list_stories()
        alerts = story_alerts(doc, ids)
        stored = st.save_alerts(alerts)
        listed = st.list_alerts()
    assert duplicates and alerts and stored and listed
    scores = storycheck.score_claims([
        {"id": 1, "claim": "Inspectors found 40 cracks in the Merrow Bridge.",
         "source": "Inspectors found 14 cracks in the Merrow Bridge on Tuesday."},
        {"id": 2, "claim": "The bridge closed.", "sources": ["The Merrow Bridge closed on Tuesday."]},
    ])
    assert any("contradiction" in s for s in scores)
    skip = set(ids) | {d["id"] for d in duplicates} | {s["id"] for s in stories}
    return {"compare": (doc, skip), "stories": ({"stories": stories, "total": 1, "limit": 1, "offset": 0}, skip),
            "duplicates": (duplicates, skip), "scores": (scores, skip), "alerts": ([*alerts, *listed], skip)}


@pytest.mark.parametrize("kind", ["compare", "stories", "duplicates", "scores", "alerts"])
def test_every_json_field_name_is_in_json_md(documents, kind):
    text = (DOCS / "json.md").read_text(encoding="utf-8")
    value, skip = documents[kind]
    names = _keys(value, skip, set())
    assert len(names) > 3
    missing = sorted(n for n in names if not _word(n, text))
    assert not missing, f"docs/json.md lacks the {kind} field names {missing}"
