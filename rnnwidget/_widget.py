"""The base every rnnwidget widget stands on: what a widget of a lecture needs besides its own
traits and logic, written once (as lonboard's ``BaseAnyWidget`` does for its layers).

- **Keywords.** A misspelt constructor keyword (``RNNTrainer(w_hh_scal=2)``) is a ``TypeError``
  that suggests the closest name, not a silently ignored typo.
- **Knobs from the kernel.** Every setting's trait describes itself (:class:`~._traits.Knob`);
  the view builds its controls from ``_knobs``, so a range, label or help text lives in one
  place. ``_inactive`` names the knobs that mean nothing under the current settings (the
  trainer's ``lag`` for the adding task): the view hides them, and the kernel ignores them.
- **Refusals.** A refused value, from Python or from a browser, is a ``TraitError`` that says
  what was allowed and what arrived, raised from the widget's own frame (not sixty lines of
  traitlets); the widget keeps its last good state and its view shows the message until the
  next accepted change.
- **Untrusted browsers.** Every comm message goes through :meth:`BaseWidget._handle_msg`: a
  malformed one is dropped (and the view says so); an update may set only the settings, each
  validated, applied together, and answered with one ``_ack``; custom messages go to
  :meth:`BaseWidget._on_custom`.
- **Reset.** The settings a widget was constructed with are kept in one place
  (:attr:`BaseWidget._constructed`); :meth:`BaseWidget.reset` (the view's Reset button, a
  ``{"reset": true}`` message) sets them all back as one change.
- **One update per change.** Settings changed together (one browser message, a preset) are
  applied together, and the widget's own :meth:`BaseWidget._settings_changed` runs once.
- **Presentation.** ``presentation`` (default: :data:`rnnwidget.options`'s) enlarges the view
  for a projector; the view also presents while its host's presentation mode or the page's
  switch is on (``js/common/presentation.js``). A browser cannot set it: the view's switch is
  the page's, not one widget's.
- **One lock.** Every trait change and every browser message holds one re-entrant lock, so a
  widget whose worker thread publishes (the trainer) never interleaves with the kernel's thread.

The request/ack protocol, from the browser's side (``js/common/sync.js``): a change goes out
with a request id in ``_request``; the kernel answers with the same id in ``_ack``, in the same
message as the result. The kernel adopts the browser's id even when it refuses the change, so a
view that reloads and reads ``_request`` never waits for an id the kernel already answered.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import traitlets

from ._options import options
from ._traits import Knob, Toggle
from ._version import __version__

__all__ = ["MALFORMED", "STATIC", "BaseWidget", "Companion", "Preset"]

#: The bundled front end (built from js/ by ``npm run build``).
STATIC = Path(__file__).parent / "static"

MALFORMED = "ignored a malformed message from the browser"


class Preset:
    """A lecture moment one click away: a name, the button's label and help, and the settings
    it sets (``values``, or computed by the widget's :meth:`BaseWidget._preset_values`)."""

    def __init__(self, name: str, label: str, help: str, sets: Sequence[str]) -> None:
        self.name, self.label, self.help, self.sets = name, label, help, tuple(sets)

    def spec(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "help": self.help, "sets": list(self.sets)}


class BaseWidget(anywidget.AnyWidget):
    """The shared part of :class:`~rnnwidget.RNNExplorer` and :class:`~rnnwidget.RNNTrainer`.

    A subclass names its settings and hooks in its own logic:

    - ``SETTINGS``: the knobs, in the order the view lists them; each a :class:`~._traits.Knob`
      trait. A browser may set these and nothing else (besides ``_request``).
    - ``CONFIG``: every constructor keyword (the settings and the view options).
    - ``PRESETS``: the lecture moments the view offers as buttons.
    - :meth:`_settings_changed`: called once after one or more settings changed together.
    - :meth:`_inactive_knobs`, :meth:`_preset_values`, :meth:`_on_custom`: optional.
    """

    SETTINGS: ClassVar[tuple[str, ...]] = ()
    CONFIG: ClassVar[tuple[str, ...]] = ()
    PRESETS: ClassVar[tuple[Preset, ...]] = ()

    error = traitlets.Unicode(
        "", help="Why the last change was refused; empty when all is well."
    ).tag(sync=True)
    version = traitlets.Unicode(__version__, read_only=True).tag(sync=True)
    presentation = Toggle(
        help="Present this view for a projector: text of at least 16 px, larger panels, the "
        "settings folded away. The default is rnnwidget.options.presentation; the view also "
        "presents while JupyterLab's View > Presentation Mode or the page's Presentation "
        "switch (in any rnnwidget view) is on."
    ).tag(sync=True)

    # -- the wire ------------------------------------------------------------------------------
    _knobs = traitlets.List(traitlets.Dict(), read_only=True).tag(sync=True)  # from the traits
    _presets = traitlets.List(traitlets.Dict(), read_only=True).tag(sync=True)  # from PRESETS
    _inactive = traitlets.List(traitlets.Unicode()).tag(sync=True)  # knobs that do not apply now
    _request = traitlets.Int(0).tag(sync=True)  # browser -> kernel: id of its latest change
    _ack = traitlets.Int(0).tag(sync=True)  # kernel -> browser: the last id it has finished

    def __init__(self, **kwargs: Any) -> None:
        self._sync_lock = threading.RLock()
        self._ready = False  # until the subclass has built what its settings drive
        self._batching = False
        _check_keywords(type(self).__name__, kwargs, self.CONFIG)
        try:
            super().__init__(**kwargs)
        except traitlets.TraitError as error:
            raise traitlets.TraitError(str(error)) from None  # the message, not the machinery
        traits = self.traits()
        specs = [
            _knob(traits[name]) for name in self.SETTINGS if traits[name].metadata.get("view", True)
        ]
        self.set_trait("_knobs", specs)
        self.set_trait("_presets", [preset.spec() for preset in self.PRESETS])
        #: Every setting as the constructor left it: what :meth:`reset` goes back to.
        self._constructed = self._settings_now()
        self._inactive = self._inactive_knobs()
        self.observe(self._on_setting, names=list(self.SETTINGS))
        self.on_msg(self._on_custom_message)

    @traitlets.default("presentation")
    def _presentation_default(self) -> bool:
        return options.presentation

    # -- hooks for the subclass ----------------------------------------------------------------
    def _settings_changed(self, names: Sequence[str]) -> None:
        """Settings ``names`` have new values (one change, or several applied together)."""

    def _inactive_knobs(self) -> list[str]:
        """The settings that mean nothing under the current ones (hidden in the view)."""
        return []

    def _preset_values(self, name: str) -> dict[str, Any]:
        """The settings preset ``name`` sets, now."""
        raise NotImplementedError

    def _on_custom(self, content: dict[str, Any], buffers: Sequence[Any]) -> None:
        """A custom message from a browser other than a preset (untrusted: check everything)."""

    def _preview_png(self) -> str | None:
        """A PNG of the view, base64, for the display bundle; None for none."""
        return None

    # -- display -------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The widget view and, for readers without a kernel (GitHub, nbviewer, nbconvert), a
        PNG of it beside the view (as matplotlib's ipympl does): a live front end shows the
        widget, the others the picture. Without matplotlib there is simply no picture."""
        bundle: tuple[dict[str, Any], dict[str, Any]] | None = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            png = self._preview_png()
            if png is not None:
                bundle[0]["image/png"] = png
        return bundle

    # -- presets -------------------------------------------------------------------------------
    def apply_preset(self, name: str) -> None:
        """Set what preset ``name`` sets, all at once (what the view's button does)."""
        names = [preset.name for preset in self.PRESETS]
        if name not in names:
            raise ValueError(f"preset must be one of {', '.join(map(repr, names))}; got {name!r}")
        self._set_settings(self._preset_values(name))

    # -- settings ------------------------------------------------------------------------------
    def reset(self) -> None:
        """Every setting back to the value this widget was constructed with (what the view's
        Reset button does), as one change."""
        self._set_settings(self._constructed)

    def _settings_now(self) -> dict[str, Any]:
        """Every setting, ``{name: value}``."""
        return {name: getattr(self, name) for name in self.SETTINGS}

    def _set_settings(self, values: dict[str, Any]) -> None:
        """Set several settings as one change: each validated, :meth:`_settings_changed` called
        once for all, the views updated in one message."""
        with self._sync_lock, self.hold_sync(), self._applying_together():
            for key, value in values.items():
                setattr(self, key, value)

    def __setattr__(self, name: str, value: Any) -> None:
        lock = self.__dict__.get("_sync_lock")
        if lock is None:  # still in __init__, before the lock exists
            super().__setattr__(name, value)
            return
        with lock:
            if name not in self.CONFIG or not self._ready:
                super().__setattr__(name, value)
                return
            try:
                super().__setattr__(name, value)
            except traitlets.TraitError as error:
                self.error = str(error)  # the view says why, too
                raise traitlets.TraitError(str(error)) from None
            self.error = ""  # accepted: an old refusal is over

    def _on_setting(self, change: dict[str, Any]) -> None:
        if self._ready and not self._batching:
            self._after_change([change["name"]])

    def _after_change(self, names: Sequence[str]) -> None:
        self._inactive = self._inactive_knobs()
        self._settings_changed(names)

    @contextmanager
    def _applying_together(self) -> Iterator[None]:
        """Apply several settings, then run :meth:`_settings_changed` once for those that
        changed. A refusal inside (traitlets rolls the others back) changes nothing."""
        if self._batching:  # already inside one
            yield
            return
        before = {name: getattr(self, name) for name in self.SETTINGS}
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
        changed = [name for name in self.SETTINGS if getattr(self, name) != before[name]]
        if changed and self._ready:
            self._after_change(changed)

    # -- messages from the browser -------------------------------------------------------------
    def _handle_msg(self, msg: dict[str, Any]) -> None:
        """Every comm message from a browser, untrusted. ipywidgets' own handler assumes a
        well-formed message and answers anything else with a traceback in the kernel's log;
        here a malformed one is dropped and the view says so."""
        with self._sync_lock:
            try:
                data = msg["content"]["data"]
                method = data["method"]
                if not isinstance(method, str):
                    raise TypeError(f"method must be a string; got {method!r}")
                buffers = list(msg.get("buffers") or [])
                if method == "update":
                    # Every setting is a JSON value: our browsers never send binary in an update.
                    state = dict(data["state"])
                    if data.get("buffer_paths") or buffers:
                        raise ValueError("an update of settings carries no binary buffers")
                elif method == "custom":
                    content = data["content"]
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                self.error = MALFORMED
                return
            if method == "update":
                self.set_state(state)
            elif method == "custom":
                self._handle_custom_msg(content, buffers)
            elif method == "request_state":
                self.send_state()

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply a state update from a browser: only the settings are taken, each validated, all
        applied together; a refused update changes nothing but the error message, and the
        browser's controls are put back to the kernel's values. The request id is adopted and
        acknowledged either way."""
        allowed = set(self.SETTINGS)
        request = sync_data.get("_request")
        update = {key: value for key, value in sync_data.items() if key in allowed}
        refused = sorted((set(sync_data) - allowed - {"_request"}) & set(self.keys))
        with self._sync_lock, self.hold_sync():
            try:
                with self._applying_together():
                    super().set_state(update)
                self.error = ""  # accepted, even if nothing changed: an old refusal is over
            except traitlets.TraitError as error:
                self.error = str(error)
                refused += list(update)
            if isinstance(request, int) and not isinstance(request, bool) and request >= 0:
                self.set_trait("_request", request)
                self._ack = request
        if refused:
            self.send_state(sorted(set(refused)))  # the browser shows the kernel's values again

    def _on_custom_message(self, _: Any, content: Any, buffers: Sequence[Any]) -> None:
        if not isinstance(content, dict):
            return
        with self._sync_lock:
            if content.get("reset") is True:
                try:
                    self.reset()
                except (ValueError, RuntimeError, traitlets.TraitError) as error:
                    self.error = str(error)
                return
            preset = content.get("preset")
            if preset is not None:
                try:
                    self.apply_preset(preset)
                except (ValueError, traitlets.TraitError) as error:
                    self.error = str(error)
                return
            self._on_custom(content, buffers)


class Companion(traitlets.HasTraits):
    """A widget whose view opens another one under it: the trainer's "Explore this network"
    opens an explorer, the explorer's "Train this network" a trainer. The view renders the
    widget that ``_companion`` names; a new one replaces (and closes) the one before, and
    closing this widget closes it too."""

    _companion = traitlets.Unicode("").tag(sync=True)  # "anywidget:<model id>", or ""
    _companion_widget: BaseWidget | None = None

    @property
    def companion(self) -> BaseWidget | None:
        """The widget this view's button opened under it (an explorer under a trainer, a
        trainer under an explorer), or None."""
        return self._companion_widget

    def _set_companion(self, widget: BaseWidget) -> None:
        """Show ``widget`` under this view, in place of the one shown before (closed)."""
        self._close_companion()
        self._companion_widget = widget
        self._companion = f"anywidget:{widget.model_id}"

    def _close_companion(self) -> None:
        if self._companion_widget is not None:
            self._companion_widget.close()


def _knob(trait: Any) -> dict[str, Any]:
    if not isinstance(trait, Knob):
        raise TypeError(f"setting {trait.name!r} is a {type(trait).__name__}, not a Knob trait")
    return trait.knob()


def _check_keywords(widget: str, keywords: Sequence[str] | Any, allowed: tuple[str, ...]) -> None:
    """Raise a ``TypeError`` for the first keyword not in ``allowed`` (``layout``, ipywidgets'
    own, is always allowed), suggesting the closest allowed name."""
    for key in keywords:
        if key not in allowed and key != "layout":
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TypeError(
                f"{widget}() got an unexpected keyword argument {key!r}{hint} "
                f"(settings: {', '.join(allowed)})"
            )
