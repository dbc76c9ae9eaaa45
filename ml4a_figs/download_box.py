"""The box under a notebook page's title that lets a reader run the notebook at home.

It offers, in the page's language: the executed .ipynb, the ml4a_figs wheel the site
serves (ml4a_figs/site/wheel.py), the one command that installs what the notebook
needs, and, when mkdocs.yml sets `repo_url`, a link to the notebook's source there.
The words come from download_box.toml, which belongs to the code (translators edit
Markdown only); every value is escaped.
"""

from __future__ import annotations

import html
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

STRINGS_FILE = Path(__file__).with_name("download_box.toml")
# theme overrides for the repository link in the header (see configure_theme)
REPO_THEME = Path(__file__).with_name("repo_theme")
FALLBACK = "en"
KEYS = ("heading", "notebook", "notebook_note", "package", "package_note", "install",
        "source", "source_plain")
# where the site publishes the wheel, relative to a language's root
DOWNLOADS = "downloads"


def configure_theme(config) -> None:
    """Material's header link to repo_url, without the script that fetches the
    repository's stars from the host's API: the site makes no third-party request."""
    if REPO_THEME not in map(Path, config.theme.dirs):
        config.theme.dirs.insert(0, str(REPO_THEME))


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """Every language's words, checked: each table has every key, as text."""
    table = tomllib.loads(STRINGS_FILE.read_text(encoding="utf-8"))
    for lang, words in table.items():
        missing = [k for k in KEYS if not isinstance(words.get(k), str)]
        if missing:
            raise ValueError(f"{STRINGS_FILE}: [{lang}] lacks {', '.join(missing)}")
    return table


@dataclass(frozen=True)
class Box:
    notebook: str  # the .ipynb's file name, published next to the page
    source: str  # the notebook's source, relative to the project root
    wheel: str  # the wheel's file name
    wheel_bytes: int
    lang: str  # the page's language
    up: str  # from the page's folder to the language's root: "../../"
    repo_url: str | None = None
    repo_branch: str = "main"


def install_command(wheel: str) -> str:
    """What a reader types in the folder holding the two downloads."""
    return f"pip install {wheel} jupyterlab"


def source_url(repo_url: str, branch: str, source: str) -> str:
    """The notebook's source file at the repository (GitHub, GitLab and Forgejo
    all answer /blob/BRANCH/PATH for a file)."""
    return f"{repo_url.rstrip('/')}/blob/{branch}/{source}"


def render(box: Box) -> str:
    """The box's HTML: an admonition Material styles like the chapter's notes."""
    table = strings()
    words = table.get(box.lang) or table[FALLBACK]
    lang_attr = "" if box.lang in table else f' lang="{FALLBACK}"'
    e = html.escape
    wheel_href = f"{box.up}{DOWNLOADS}/{box.wheel}"
    size = f"{max(1, round(box.wheel_bytes / 1000))} kB"
    commands = f"{install_command(box.wheel)}\njupyter lab {box.notebook}"
    if box.repo_url:
        url = source_url(box.repo_url, box.repo_branch, box.source)
        source = (f'{e(words["source"])} <a href="{e(url)}"><code>{e(box.source)}</code></a>')
    else:
        source = e(words["source_plain"]).replace("{name}", f"<code>{e(box.source)}</code>")
    return (
        f'<div class="admonition tip notebook-download"{lang_attr}>'
        f'<p class="admonition-title">{e(words["heading"])}</p>'
        f'<ul>'
        f'<li><a href="{e(box.notebook)}" download>{e(words["notebook"])}</a> '
        f'(<code>{e(box.notebook)}</code>, {e(words["notebook_note"])})</li>'
        f'<li><a href="{e(wheel_href)}" download>{e(words["package"])}</a> '
        f'(<code>{e(box.wheel)}</code>, {size}: {e(words["package_note"])})</li>'
        f'</ul>'
        f'<p>{e(words["install"])}</p>'
        f'<pre><code>{e(commands)}</code></pre>'
        f'<p>{source}</p>'
        f'</div>')


def add_to_page(content: str, box: Box) -> str:
    """The page's HTML with the box right under its title (at the top if it has none)."""
    end = content.find("</h1>")
    if end < 0:
        return render(box) + content
    end += len("</h1>")
    return content[:end] + render(box) + content[end:]


def for_page(content: str, page, config, source: str, wheel: Path) -> str:
    """add_to_page for a page MkDocs is building: language, paths and repo_url
    from its config."""
    box = Box(notebook=Path(page.file.src_uri).name, source=source, wheel=wheel.name,
              wheel_bytes=wheel.stat().st_size,
              lang=config.theme["language"] if "language" in config.theme else FALLBACK,
              up="../" * page.url.count("/"), repo_url=config.repo_url or None,
              repo_branch=(config.extra or {}).get("repo_branch") or "main")
    return add_to_page(content, box)
