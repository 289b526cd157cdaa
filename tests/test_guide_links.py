"""The user guide and its pictures stay in step: every image the guide's Markdown shows exists, every PNG in
docs/guide/img/ is shown somewhere, each is small, and every page has its Thai and English twin."""
from __future__ import annotations

import re
from pathlib import Path

from ntswatch_geo.config import PROJECT_ROOT

GUIDE = PROJECT_ROOT / "docs" / "guide"
IMG = GUIDE / "img"
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s#]+)(?:#[^)]*)?\)")
MAX_BYTES = 150_000


def pages() -> list[Path]:
    return sorted(GUIDE.rglob("*.md"))


def images_shown() -> dict[Path, list[Path]]:
    shown: dict[Path, list[Path]] = {}
    for page in pages():
        for ref in IMAGE.findall(page.read_text(encoding="utf-8")):
            shown.setdefault((page.parent / ref).resolve(), []).append(page)
    return shown


def test_the_guide_has_an_index_and_each_role_in_thai_and_english():
    assert (GUIDE / "README.md").exists()
    en = {p.name for p in (GUIDE / "en").glob("*.md")}
    th = {p.name for p in (GUIDE / "th").glob("*.md")}
    assert en == th and {"citizen.md", "officer.md", "analyst.md", "governor.md", "planner.md", "admin.md"} <= en


def test_every_image_the_guide_shows_exists():
    missing = {str(img.relative_to(PROJECT_ROOT)): [str(p.relative_to(GUIDE)) for p in where]
               for img, where in images_shown().items() if not img.is_file()}
    assert not missing, f"images shown but not in docs/guide/img/ (run `make guide`): {missing}"


def test_every_picture_in_img_is_shown_and_small():
    shown = set(images_shown())
    pngs = sorted(IMG.glob("*.png"))
    assert pngs, "docs/guide/img/ holds no pictures (run `make guide`)"
    unused = [p.name for p in pngs if p.resolve() not in shown]
    assert not unused, f"pictures in docs/guide/img/ that no guide page shows (delete them or show them): {unused}"
    large = {p.name: p.stat().st_size for p in pngs if p.stat().st_size > MAX_BYTES}
    assert not large, f"pictures over {MAX_BYTES:,} bytes: {large}"


def test_a_thai_page_shows_thai_pictures_and_an_english_page_english_ones():
    for img, where in images_shown().items():
        for page in where:
            if page.parent.name in ("th", "en"):
                assert img.stem.endswith("-" + page.parent.name), f"{page.relative_to(GUIDE)} shows {img.name}"


def test_links_between_the_guide_pages_resolve():
    broken = [f"{p.relative_to(GUIDE)} → {ref}" for p in pages()
              for ref in LINK.findall(p.read_text(encoding="utf-8"))
              if not ref.startswith(("http://", "https://")) and not (p.parent / ref).exists()]
    assert not broken, broken
