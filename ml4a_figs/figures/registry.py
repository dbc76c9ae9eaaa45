"""Figure declarations: each figure is declared once, next to its code, with `declare(...)`.

The declarations are read from the source without importing it (`scan`), so listing the
figures and checking what is stale costs no matplotlib import; the functions are
imported only to draw. The build engine (ml4a_figs.pipeline) makes them targets.
"""

from __future__ import annotations

import ast
import functools
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

FIGURES_DIR = Path(__file__).resolve().parent
PACKAGE_DIR = FIGURES_DIR.parent


@dataclass(frozen=True)
class Figure:
    """One output of the build: `draw(theme, **compute(**params))` for each theme (a
    style.Theme) it is drawn in, written in each format."""

    name: str
    path: Path  # the module that declares it
    line: int
    compute: str  # names of top-level functions in that module
    draw: str
    alt: str
    formats: tuple[str, ...] = ("svg",)
    params: dict = field(default_factory=dict)
    phone: bool = False  # also drawn in the phone layout (stacked panels, see style.py)

    @property
    def module(self) -> str:
        rel = self.path.relative_to(PACKAGE_DIR.parent).with_suffix("")
        return ".".join(rel.parts)

    def output_names(self) -> list[str]:
        """Each format in the light theme, then (pictures only) in the dark one, and
        both again in the phone layout if the figure has one."""
        return [self.output_name(fmt, theme, layout) for layout, theme in self.variants()
                for fmt in self.formats if (layout, theme) == ("wide", "light") or fmt != "json"]

    def variants(self) -> list[tuple[str, str]]:
        """(layout, theme) pairs drawn: data (json) has neither; a picture is drawn for
        the light and the dark page, and for the phone if it declares `phone=True`."""
        if set(self.formats) == {"json"}:
            return [("wide", "light")]
        layouts = ("wide", "phone") if self.phone else ("wide",)
        return [(layout, theme) for layout in layouts for theme in ("light", "dark")]

    def output_name(self, fmt: str, theme: str = "light", layout: str = "wide",
                    lang: str | None = None) -> str:
        """NAME[.phone][.dark].FMT; a translation's copy of a picture is LANG/that."""
        parts = [self.name] + (["phone"] if layout == "phone" else []) + (
            ["dark"] if theme == "dark" else []) + [fmt]
        return (f"{lang}/" if lang else "") + ".".join(parts)

    def translated_names(self, lang: str) -> list[str]:
        """The pictures drawn again in a translation's words (data is the same in all)."""
        return [self.output_name(fmt, theme, layout, lang) for layout, theme in self.variants()
                for fmt in self.formats if not fmt.endswith("json")]

    def functions(self) -> tuple[Callable[..., dict], Callable[..., Any]]:
        module = importlib.import_module(self.module)
        return getattr(module, self.compute), getattr(module, self.draw)


def declare(name: str, *, compute: Callable, draw: Callable, alt: str,
            formats: tuple[str, ...] = ("svg",), params: dict | None = None,
            phone: bool = False) -> None:
    """Declare a figure at module level. Arguments must be literals (and function
    names), because the registry reads declarations without running the module."""
    if not callable(compute) or not callable(draw):
        raise TypeError(f"figure {name!r}: compute and draw must be functions")


def figure_module_paths() -> list[Path]:
    """The modules that may declare figures: every public module of figures/."""
    return sorted(p for p in FIGURES_DIR.glob("[!_]*.py")
                  if p.name not in ("registry.py", "references.py"))


class DeclarationError(ValueError):
    pass


def _read_declarations(path: Path) -> list[Figure]:
    rel = path.relative_to(PACKAGE_DIR.parent)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))
    functions = {n.name: [a.arg for a in n.args.posonlyargs + n.args.args]
                 for n in tree.body if isinstance(n, ast.FunctionDef)}
    found = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id == "declare"):
            continue
        where = f"{rel}:{node.lineno}"
        try:
            (name_node,) = call.args
            name = ast.literal_eval(name_node)
            kwargs = {k.arg: k.value for k in call.keywords}
            funcs = {}
            for role in ("compute", "draw"):
                ref = kwargs.pop(role)
                if not (isinstance(ref, ast.Name) and ref.id in functions):
                    raise DeclarationError(f"{where}: {role}= must name a function defined in this module")
                funcs[role] = ref.id
            literals = {k: ast.literal_eval(v) for k, v in kwargs.items()}
            if functions[funcs["draw"]][:1] != ["theme"]:
                raise DeclarationError(f"{where}: {funcs['draw']} draws in the theme it is "
                                       f"handed: def {funcs['draw']}(theme, ...)")
        except DeclarationError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise DeclarationError(
                f"{where}: declare() takes the figure name, compute=, draw= and literal "
                f"alt=, formats=, params= ({exc})") from None
        found.append(Figure(name=name, path=path, line=node.lineno, alt=literals.pop("alt"),
                            formats=tuple(literals.pop("formats", ("svg",))),
                            params=dict(literals.pop("params", {}) or {}),
                            phone=bool(literals.pop("phone", False)), **funcs))
        if literals:
            raise DeclarationError(f"{where}: unknown declare() arguments {sorted(literals)}")
    return found


def scan() -> dict[str, Figure]:
    """Every declared figure, by name, read from the source files. Memoised per version of
    the files, so a build (every language of it) reads them once and `mkdocs serve`
    still sees edits."""
    paths = tuple(p for p in figure_module_paths() if p.is_file())
    return dict(_scan(tuple((p, p.stat().st_mtime_ns, p.stat().st_size) for p in paths)))


@functools.lru_cache(maxsize=4)
def _scan(versions: tuple) -> tuple:
    registry: dict[str, Figure] = {}
    for path, _, _ in versions:
        for fig in _read_declarations(path):
            if fig.name in registry:
                first = registry[fig.name]
                raise DeclarationError(
                    f"figure {fig.name!r} is declared twice: "
                    f"{first.path.name}:{first.line} and {fig.path.name}:{fig.line}")
            registry[fig.name] = fig
    return tuple(registry.items())
