"""The API pages, from the package itself: no list of modules or names to keep up by hand.

- ``{modules} PACKAGE`` documents every public module of ``PACKAGE`` (a name without a leading
  underscore), one section each, with autodoc: the module's docstring, then each name in its
  ``__all__`` (or, without one, each documented name it defines). ``:exclude:`` skips modules
  that have pages of their own.
- ``{public-names} rnnwidget`` tabulates the names ``from rnnwidget import ...`` gives, each
  linked to where it is documented, with the first line of its docstring.
- A reference to a name through a package that re-exports it (``rnnwidget.RNNTrainer``,
  ``rnnwidget.training.Trainer``, or ``SimpleRNN`` in the docstring of ``rnnwidget.cells``)
  resolves to the name where it is defined and documented.
- A trait of a widget is documented by its ``help`` text, as the view's tooltips are.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import ModuleType
from typing import Any, ClassVar

import traitlets
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective


def public_modules(package: ModuleType) -> list[str]:
    """The full names of the package's modules and subpackages that do not start with ``_``."""
    return [
        f"{package.__name__}.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]


def home(obj: Any) -> str | None:
    """Where ``obj`` is defined: ``module.qualname`` (a module's own name), or ``None``."""
    if inspect.ismodule(obj):
        return obj.__name__
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    return f"{module}.{qualname}" if module and qualname else None


def summary(obj: Any) -> str:
    """The first sentence of an object's docstring, on one line, its reST markup in MyST's
    spelling (``:class:`X``` becomes ``{class}`X```, a double-backquoted literal a single one)."""
    doc = inspect.getdoc(obj) or ""
    paragraph = doc.split("\n\n", 1)[0].replace("\n", " ")
    sentence = paragraph.split(". ", 1)[0].rstrip(".") + "." if paragraph else ""
    return re.sub(r":(\w+):`", r"{py:\1}`", sentence.replace("``", "`"))


class Modules(SphinxDirective):
    """``{modules} PACKAGE``: a section per public module of the package, by autodoc."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"exclude": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        package = importlib.import_module(self.arguments[0])
        excluded = {
            f"{package.__name__}.{name}" for name in self.options.get("exclude", "").split()
        }
        text = "\n\n".join(
            # autodoc writes reST, so it runs inside eval-rst, not as a MyST directive
            f"## `{name}`\n\n```{{eval-rst}}\n.. automodule:: {name}\n   :members:\n```"
            for name in public_modules(package)
            if name not in excluded
        )
        container = nodes.Element()
        self.state.nested_parse(StringList(text.splitlines()), 0, container, match_titles=True)
        return list(container.children)


class PublicNames(SphinxDirective):
    """``{public-names} PACKAGE``: a table of the package's ``__all__``, linked and summarised."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        package = importlib.import_module(self.arguments[0])
        rows = ["| name | what it is |", "|---|---|"]
        for name in package.__all__:
            obj = getattr(package, name)
            target = home(obj)
            if target is None or name.startswith("__"):
                continue
            role = "mod" if inspect.ismodule(obj) else "class" if inspect.isclass(obj) else "func"
            rows.append(f"| {{py:{role}}}`{name} <{target}>` | {summary(obj)} |")
        container = nodes.Element()
        self.state.nested_parse(StringList(rows), 0, container)
        return list(container.children)


def resolve_reexport(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """Resolve a name reached through a package that re-exports it (``rnnwidget.RNNTrainer``,
    or ``SimpleRNN`` in :mod:`rnnwidget.cells`'s docstring) to where it is defined."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "").lstrip(".~")
    module = node.get("py:module") or ""
    for name in (target, f"{module}.{target}"):
        obj = find(name) if name.startswith("rnnwidget.") else None
        real = home(obj) if obj is not None else None
        if real is not None and real != name:
            domain = env.get_domain("py")
            return domain.resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], real, node, contnode
            )
    return None


def find(dotted: str) -> Any:
    """The object a dotted name reaches by imports and attributes, or ``None``."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj
    return None


def trait_help(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    """A trait's documentation is its ``help`` text (not the trait type's class docstring).

    The help is plain text, the tooltip the view shows, so reST's markup characters in it are
    escaped: ``|h| > 0.99`` stays as written.
    """
    if isinstance(obj, traitlets.TraitType):
        lines[:] = [re.sub(r"([\\`*_|])", r"\\\1", obj.help)] if obj.help else []


def skip_undocumented_traits(
    app: Sphinx, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    """Traits without help text (anywidget's and ipywidgets' own) are left out."""
    if isinstance(obj, traitlets.TraitType):
        return not obj.help or name.startswith("_")
    return None


def widget_signature(
    app: Sphinx,
    what: str,
    name: str,
    obj: Any,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    """A widget's signature is its ``__init__``'s, not traitlets' generic ``(*args, **kwargs)``."""
    if what == "class" and isinstance(obj, type) and issubclass(obj, traitlets.HasTraits):
        init = inspect.signature(obj.__init__)
        parameters = list(init.parameters.values())[1:]  # without self
        return str(init.replace(parameters=parameters, return_annotation=init.empty)), None
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("modules", Modules)
    app.add_directive("public-names", PublicNames)
    app.connect("missing-reference", resolve_reexport)
    app.connect("autodoc-process-docstring", trait_help)
    app.connect("autodoc-skip-member", skip_undocumented_traits)
    app.connect("autodoc-process-signature", widget_signature)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
