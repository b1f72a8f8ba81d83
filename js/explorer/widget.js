// rnnwidget's explorer: anywidget entry point. The kernel computes every number and writes every
// word; this module lays out the panels the kernel lists, sends the lecturer's changes, and
// draws each frame the kernel sends back. While a continuous knob moves, the browser's twin of
// the kernel's numbers draws the new frame first (twin-view.js); the kernel's replaces it.
import "../common/style.css";

import { BaseView, widget } from "../common/base.js";
import { Companion } from "../common/companion.js";
import { element, enableKnobs } from "../common/controls.js";
import { setHidden, setText } from "../common/dom.js";
import { icon } from "../common/icons.js";
import { slideTheme } from "../common/theme.js";
import { copyCodeControl } from "./copycode.js";
import { composeSnapshot, download, toPng } from "./export.js";
import { formatNumber, MechanismPanels } from "./mechanism.js";
import { buildPlaybackControls, momentAt, Player } from "./playback.js";
import { isStandalone } from "./static-model.js";
import { TwinView } from "./twin-view.js";
import { UnrolledLoop } from "./unrolled.js";

class ExplorerView extends BaseView {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {HTMLElement} el
   * @param {any} [host] anywidget's host: renders the trainer "Train this network" opens
   */
  constructor(model, el, host) {
    super(model, el, { className: "", title: "RNN explorer", payload: "_frame",
      lostText: "Kernel disconnected: this is the last picture computed. Run the cell again " +
        "to reconnect." });
    /** What the status says of a silent or lost kernel where the picture waits for it. */
    this.kernelOnly = { silent: this.status.silentText, lost: this.status.lostText };
    /** The newest frame from the kernel, decoded; null until one arrives. */
    this.current = null;
    /** The timestep (0-based) under the pointer, if any: the unrolled loop shows it. */
    this.hovered = null;
    /** The browser's twin of the kernel's numbers: draws a knob's move before the kernel can. */
    this.twin = new TwinView((payload) => this.draw(payload));
    /** Whether the picture is (or is about to be) the twin's, of a change the kernel has not
     * answered yet: a kernel frame that answers an older change must not replace it. */
    this.twinAhead = false;
    /** The sender of the changes the twin's frame shows: this view's, or in a column of
     * compare(), the comparison's (its shared controls). Its answers end `twinAhead`. */
    this.twinSender = this.sender;
    this.onRequest = (changes) => this.request(changes);
    /** Ends this view's link to the comparison whose column it is in, if any. */
    this.columnLink = new AbortController();

    this.player = new Player(() => this.showPlayhead());
    this.playback = buildPlaybackControls(this.player, element);
    this.shapes = element("p", "rnnwidget-shapes");
    /** The heatmaps, the norm chart and "Why order matters": the trainer's panels too. */
    this.mechanism = new MechanismPanels();
    this.unrolled = new UnrolledLoop();
    this.measure();
    this.copyCode = copyCodeControl(model);
    this.stats = element("div", "rnnwidget-stats");

    // Which settings the last preset chose and why: the kernel's words, until a change.
    this.note = element("p", "rnnwidget-note");
    this.note.setAttribute("role", "status");
    // A trained network's: which training step and which of the task's sequences it shows.
    this.network = element("p", "rnnwidget-network");
    this.network.hidden = true;

    // A trainer of this configuration, from these weights, opened below the view (not in a
    // column of compare(), nor on a page without a kernel).
    this.companion = new Companion(model, host, { command: "train", label: "Train this network",
      iconName: "train", showError: (message) => this.status.showError(message),
      title: "Train this configuration on a task, starting from the network shown here" });
    this.tools.append(this.snapshotButton(), this.copyCode.el, this.companion.button);
    // A column of compare() shows only what differs between columns, from the panels on: the
    // comparison shows the shared controls once, and each column's label, summary and shapes
    // in rows of its own, so that no column's words push its panels below another's.
    this.inColumn = el.closest("[data-rnnwidget-column]") !== null;
    this.root.classList.toggle("rnnwidget-in-column", this.inColumn);
    // A column says only its own errors: the comparison says once what the kernel's silence or
    // loss leaves live, for every column.
    const top = this.inColumn ? [this.status.errorBar]
      : [this.header, this.network, this.note, this.copyCode.panel, ...this.status.elements, this.controls.el,
        this.controls.presets];
    this.root.append(...top, this.playback.el, ...(this.inColumn ? [] : [this.shapes]),
      this.mechanism.figure, this.unrolled.el, this.stats, this.mechanism.tooltip,
      this.companion.slot);

    this.listen();
    this.showNote();
    this.readGiven();
    this.showPayload();
    if (this.inColumn) {
      // The comparison draws its shared controls' moves through this view's twin (comparison.js).
      this.root.dispatchEvent(new CustomEvent("rnnwidget:column-view", { bubbles: true,
        detail: { view: this, signal: this.columnLink.signal } }));
    }
    if (this.inColumn || isStandalone(model)) this.companion.button.hidden = true;
    else this.companion.show();
    if (isStandalone(model)) {
      // A page without a kernel (RNNExplorer.to_html) says what is live on it, in the words the
      // kernel wrote into the page.
      this.status.showNoKernel(model.note);
    }
  }

  measure() {
    const background = this.layout?.theme.background;
    super.measure();
    this.unrolled?.setFit(this.layout.width, this.layout.theme.scale);
    // A new theme: the colour tables are made for the background the cells are drawn on.
    if (background !== undefined && background !== this.layout.theme.background) {
      this.setPanelData();
    }
    if (this.current) this.showStep(); // the diagram, fitted anew
  }

  listen() {
    super.listen();
    this.on(["palette"], () => this.showPalette());
    this.on(["preset_note"], () => this.showNote());
    this.on(["_companion"], () => this.companion.show());
    this.on(["_twin"], () => this.readGiven());
    // After every change event of the message: a frame in it has been drawn by then.
    this.on(["_ack"], () => queueMicrotask(() => this.settleTwin()));
    this.on(["_inactive"], () => this.sayWhatIsLive());
    this.sender.requests.add(this.onRequest);
    this.onPointer = (event) => this.hover(event);
    this.onLeave = () => this.hover(null);
    this.root.addEventListener("pointermove", this.onPointer);
    this.root.addEventListener("pointerleave", this.onLeave);
  }

  destroy() {
    this.columnLink.abort();
    this.sender.requests.delete(this.onRequest);
    this.twin.dispose();
    this.companion.dispose();
    this.copyCode.destroy();
    this.player.dispose();
    super.destroy();
  }

  /** The kernel's note on the last preset, as text; hidden when there is none. */
  showNote() {
    const text = String(this.model.get("preset_note") ?? "");
    setText(this.note, text);
    setHidden(this.note, text === "");
  }

  // -- frames from the kernel ---------------------------------------------------------------

  /**
   * Decode the kernel's newest frame and draw it, right away: one message, one redraw. Where the
   * twin already shows a newer setting than the one this frame answers, it only becomes the
   * twin's template; the kernel's answer to the newest change replaces the twin's frame.
   */
  showPayload() {
    const frame = this.readPayload();
    if (!frame) return; // nothing yet, or it did not decode: keep the last good picture
    this.twin.setTemplate(frame);
    if (this.twinAhead && !this.twinSender.answered) return;
    this.twinAhead = false;
    this.twin.drop(); // this frame answers what the twin was computing
    this.draw(frame);
  }

  /**
   * Draw a decoded frame, the kernel's or the twin's (`frame.twin` holds the twin's numbers).
   * @param {Record<string, any>} frame
   */
  draw(frame) {
    this.mechanism.show(frame, String(this.model.get("palette")), this.layout.theme.background);
    this.current = this.mechanism.current;
    this.player.setTimesteps(this.current.T);
    this.showPlayhead(); // draws the panels whose data changed
    // The words after the canvases: a canvas's font is resolved against the page's styles,
    // which a changed text would make the browser recompute on the spot.
    this.setHeadline(frame.words.summary);
    setText(this.shapes, frame.words.shapes);
    setText(this.network, frame.words.network ?? "");
    setHidden(this.network, !frame.words.network);
    setText(this.stats, frame.words.stats);
    const twin = frame.twin ? { gradient_ratio_log10: frame.twin.gradient_ratio_log10,
      compute_ms: this.twin.timing.ms, computed_in: this.twin.timing.where } : {};
    this.root.dataset.source = frame.twin ? "twin" : "kernel";
    // The words drawn with it: a comparison shows its columns' summary and shapes from these.
    const { summary, shapes } = frame.words;
    this.announce(frame.revision ?? "twin", { params: frame.params,
      source: this.root.dataset.source, words: { summary, shapes }, ...twin });
  }

  // -- the twin ------------------------------------------------------------------------------

  /**
   * The kernel has answered every change, yet the twin's frame is still up: its answer came
   * without a frame (a refusal, or a value it already had). Its latest frame is the truth. On a
   * page without a kernel the twin's frame is the answer itself (js/explorer/page-kernel.js
   * only acknowledges a continuous knob's change), so it stays.
   */
  settleTwin() {
    if (isStandalone(this.model)) return;
    if (this.twinAhead && this.twinSender.answered) this.showPayload();
  }

  /** The kernel's newest given for the twin (none on a trained network: no twin). */
  readGiven() {
    const wire = this.model.get("_twin");
    this.twin.setGiven(wire ? this.status.decode(wire) : null);
    this.sayWhatIsLive();
  }

  /**
   * A change asked for: where it moves a continuous knob, the twin draws the newest setting at
   * once (if it can: the kernel has sent what it needs, and every value is in its knob's range).
   * `data-twin="off"` on the view's root turns this off, so that every change waits for the
   * kernel (benchmarks/bench_latency.py times the view both ways).
   * @param {Record<string, unknown>} changes
   * @param {import("../common/sync.js").ChangeSender} [sender]  whose changes they are: this
   *   view's, or the comparison's whose column this view is in
   * @returns {Promise<void> | undefined}  where the twin draws it: settled once it has
   *   (the change goes to the kernel then, js/common/sync.js)
   */
  request(changes, sender = this.sender) {
    if (this.root.dataset.twin === "off") return undefined;
    // Not a knob that does nothing to this network (a gated cell's W_hh scale in compare()).
    const knobs = this.twinKnobs();
    if (!Object.keys(changes).some((name) => knobs.includes(name))) return undefined;
    const template = this.twin.template?.params;
    if (!template) return undefined;
    const params = Object.fromEntries(Object.keys(template).map((name) =>
      [name, sender.wanted(name) ?? this.model.get(name)]));
    if (!this.inRange(params)) return undefined; // the kernel refuses it, in words
    const drawn = this.twin.show(params, { gradientRange: this.model.get("gradient_range"),
      normRange: this.model.get("norm_range") });
    if (!drawn) return undefined;
    this.twinAhead = true;
    this.twinSender = sender;
    return drawn;
  }

  /**
   * Whether each continuous knob's value is one its knob accepts (the kernel's ranges).
   * @param {Record<string, any>} params
   */
  inRange(params) {
    const specs = /** @type {import("../common/controls.js").KnobSpec[]} */ (
      this.model.get("_knobs") ?? []);
    return specs.filter((spec) => this.twin.continuous.includes(spec.name)).every((spec) => {
      const value = params[spec.name];
      return typeof value === "number" && value >= Number(spec.min) && value <= Number(spec.max);
    });
  }

  /** The knobs this view's twin turns now: the continuous ones that move this network. */
  twinKnobs() {
    if (!this.twin.given) return [];
    const inactive = new Set(/** @type {string[]} */ (this.model.get("_inactive") ?? []));
    return this.twin.continuous.filter((name) => !inactive.has(name));
  }

  /**
   * The knobs the twin turns under the current settings, by their labels in a sentence ("the
   * W_hh scale, sequence length, tanh gain and bias still move"); "" for none.
   */
  liveKnobs() {
    const knobs = this.twinKnobs();
    const specs = /** @type {import("../common/controls.js").KnobSpec[]} */ (
      this.model.get("_knobs") ?? []);
    // "Sequence length" is a word of the sentence; "W_hh scale" and "tanh gain" are as written.
    const labels = specs.filter((spec) => knobs.includes(spec.name)).map((spec) =>
      spec.label.replace(/^[A-Z](?=[a-z])/, (first) => first.toLowerCase()));
    if (labels.length === 0) return "";
    const list = labels.length > 1 ? `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)}`
      : labels[0];
    return `the ${list} still ${labels.length > 1 ? "move" : "moves"}`;
  }

  /**
   * While the kernel does not answer: which knobs still move `what` ("the picture", or a
   * comparison's "the columns"), computed in the browser; null where none do.
   * @param {string} what
   * @returns {string | null}
   */
  silentWords(what) {
    const knobs = this.liveKnobs();
    return knobs ? `No answer from the kernel (busy, or disconnected?): ${knobs} ${what}, ` +
      "computed in your browser; other changes apply when the kernel answers." : null;
  }

  /**
   * Once the kernel is gone: which knobs still move `what`; null where none do.
   * @param {string} what
   * @returns {string | null}
   */
  lostWords(what) {
    const knobs = this.liveKnobs();
    return knobs ? `Kernel disconnected: ${knobs} ${what}, computed in your browser. Run the ` +
      "cell again to reconnect the other settings." : null;
  }

  /** What the status says when the kernel is silent or gone: what still moves the picture. */
  sayWhatIsLive() {
    this.status.silentText = this.silentWords("the picture") ?? this.kernelOnly.silent;
    this.status.lostText = this.lostWords("the picture") ?? this.kernelOnly.lost;
  }

  /**
   * Turn every knob that needs the kernel off or on: the twin's stay on while it has what it
   * computes with, so a kernel that is gone leaves the picture live.
   * @param {boolean} disabled
   */
  setDisabled(disabled) {
    super.setDisabled(disabled);
    // A page without a kernel (to_html) turns its knobs on and off itself (standalone.js).
    if (!disabled || !this.twin?.given || isStandalone(this.model)) return;
    enableKnobs(this.controls, this.twin.continuous);
  }

  /**
   * Hand every panel its colours anew (a new palette or theme).
   * @param {string} [background] the colour the cells are drawn on (the view's theme's by default)
   */
  setPanelData(background = this.layout.theme.background) {
    this.mechanism.setData(String(this.model.get("palette")), background);
  }

  // -- drawing -------------------------------------------------------------------------------

  /** Draw, at the view's width and in the theme's colours, every panel that has changed. */
  redraw() {
    this.mechanism.redraw(this.layout);
  }

  /** The drawable panels in view order (what a snapshot composes too). */
  panels() {
    return this.mechanism.panels();
  }

  /** Play-through-time: the panels up to the play head (MechanismPanels.setPlayback). */
  showPlayhead() {
    if (!this.current) return;
    const T = this.current.T;
    const position = this.player.position;
    this.mechanism.setPlayback(position === null ? null : momentAt(position, T));
    this.redraw(); // first: see `draw`
    this.playback.update(T);
    this.showStep();
  }

  /** The unrolled loop around the step in focus: under the pointer, else the play head. */
  showStep() {
    const { arrays, tokens, layout, T } = this.current;
    const position = this.player.position;
    const t = this.hovered ?? (position === null ? T - 1 : momentAt(position, T).t - 1);
    const { numbers, recurrent_labels: recurrentLabels } = layout.unrolled;
    this.unrolled.show(t + 1, {
      T,
      word: tokens[t],
      recurrentLabels,
      // The kernel names each number and its format; "{t}" stands for the step.
      layers: arrays.layers.map((layer) => numbers.map((number) =>
        `${number.label.replaceAll("{t}", String(t + 1))} = ` +
        formatNumber(layer[number.array].data[t], number.format))),
    });
  }

  showPalette() {
    this.setPanelData();
    this.scheduleRedraw();
  }

  // -- snapshot --------------------------------------------------------------------------------

  snapshotButton() {
    const button = element("button", "rnnwidget-button rnnwidget-snapshot");
    button.type = "button";
    button.setAttribute("data-lm-suppress-shortcuts", "true");
    button.setAttribute("aria-label", "Save a PNG snapshot of this view");
    button.title = "Save a PNG of this view for slides (also in w.snapshots)";
    button.append(icon("camera"), element("span", "", "Snapshot"));
    button.addEventListener("click", () => this.snapshot());
    return button;
  }

  /** Compose every panel into one PNG; download it and send the same bytes to the kernel. */
  async snapshot() {
    if (!this.current) return;
    const { words } = this.current;
    // For slides: light colours and the whole picture, whatever the theme and the play head.
    const playing = this.player.position;
    this.player.position = null;
    const theme = slideTheme(this.layout.theme);
    this.setPanelData(theme.background);
    this.showPlayhead();
    const canvas = composeSnapshot({
      panels: this.panels(),
      width: this.layout.width,
      theme,
      title: "RNN explorer",
      summary: words.summary,
      captionText: words.caption,
    });
    this.player.position = playing;
    this.setPanelData();
    this.showPlayhead();
    const bytes = await toPng(canvas, words.caption);
    const filename = words.snapshot_name;
    download(bytes, filename);
    // The PNG's own bytes (a fresh Uint8Array owns its whole ArrayBuffer).
    this.model.send({ type: "snapshot", filename }, undefined, [/** @type {ArrayBuffer} */ (bytes.buffer)]);
  }

  // -- hover -----------------------------------------------------------------------------------

  hover(event) {
    if (!this.current) return;
    const step = this.mechanism.hover(event, this.root);
    if (step !== this.hovered) {
      this.hovered = step;
      this.showStep();
    }
  }
}

export default widget(ExplorerView);
