"""Write one benchmark's section into docs/benchmarks.md, replacing its previous run."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def write_section(heading: str, lines: list[str]) -> None:
    """Replace the section that starts with ``heading`` (or append it) and print it."""
    section = "\n".join([heading, "", *lines]) + "\n"
    target = REPO / "docs" / "benchmarks.md"
    text = target.read_text() if target.exists() else "# Benchmarks\n\n"
    start = text.find(heading)
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    target.write_text(text)
    print(section)
