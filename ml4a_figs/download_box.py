"""The box under a notebook page's title that lets a reader run the notebook at home.

It offers, in the page's language: the executed .ipynb, the ml4a_figs wheel the site
serves (ml4a_figs/site/wheel.py), the one command that installs what the notebook
needs, and, when mkdocs.yml sets `repo_url`, a link to the notebook's source there.
The words are the language's `download:` in docs/<lang>/language.yml (English,
docs/en/language.yml, where it has none); every value is escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

REPO_THEME = Path(__file__).with_name("repo_theme")
KEYS = ("heading", "notebook", "notebook_note", "package", "package_note", "install",
        "source", "source_plain")
# where the site publishes the wheel, relative to a language's root
DOWNLOADS = "downloads"


def configure_theme(config) -> None:
    """Material's header link to repo_url, without the script that fetches the
    repository's stars from the host's API: the site makes no third-party request."""
    if REPO_THEME not in map(Path, config.theme.dirs):
        config.theme.dirs.insert(0, str(REPO_THEME))


@dataclass(frozen=True)
class Box:
    notebook: str  # the .ipynb's file name, published next to the page
    source: str  # the notebook's source, relative to the project root
    wheel: str  # the wheel's file name
    wheel_bytes: int
    words: dict  # the box's words (download: of the page language's language.yml)
    lang: str | None  # the language of `words` when it is not the page's, else None
    up: str  # from the page's folder to the language's root: "../../"
    repo_url: str | None = None
    repo_branch: str = "main"


def render(box: Box) -> str:
    """The box's HTML: an admonition Material styles like the chapter's notes."""
    missing = [k for k in KEYS if not isinstance(box.words.get(k), str)]
    if missing:
        raise ValueError(f"docs/*/language.yml: download: lacks {', '.join(missing)}")
    words, e = box.words, html.escape
    lang_attr = f' lang="{box.lang}"' if box.lang else ""
    wheel_href = f"{box.up}{DOWNLOADS}/{box.wheel}"
    size = f"{max(1, round(box.wheel_bytes / 1000))} kB"
    # typed in the folder holding the two downloads
    commands = f"pip install {box.wheel} jupyterlab\njupyter lab {box.notebook}"
    if box.repo_url:  # GitHub, GitLab and Forgejo all answer /blob/BRANCH/PATH for a file
        url = f"{box.repo_url.rstrip('/')}/blob/{box.repo_branch}/{box.source}"
        source = f'{e(words["source"])} <a href="{e(url)}"><code>{e(box.source)}</code></a>'
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
    end = content.find("</h1>") + len("</h1>") if "</h1>" in content else 0
    return content[:end] + render(box) + content[end:]


def for_page(content: str, page, config, source: str, wheel: Path, words: dict,
             words_lang: str | None = None) -> str:
    """add_to_page for a page MkDocs is building: paths and repo_url from its config,
    the words of its language (`words_lang`: theirs, when they fell back to another)."""
    box = Box(notebook=Path(page.file.src_uri).name, source=source, wheel=wheel.name,
              wheel_bytes=wheel.stat().st_size, words=words, lang=words_lang,
              up="../" * page.url.count("/"), repo_url=config.repo_url or None,
              repo_branch=(config.extra or {}).get("repo_branch") or "main")
    return add_to_page(content, box)
