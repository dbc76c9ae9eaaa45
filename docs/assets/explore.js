/* Explorable figures. Every state a control reaches was computed at build time by
   the training core (ml4a_figs/figures/explore_*.py); this script only draws the
   chosen state over the background matplotlib drew, mapping data to pixels with
   the axes boxes and limits matplotlib reported. It computes no loss and no step.
   Labels come from the page (data-strings) and are set as text only. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var reduced = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
  var uid = 0;

  function make(tag, attrs, parent, ns) {
    var e = ns ? document.createElementNS(NS, tag) : document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function svg(tag, attrs, parent) { return make(tag, attrs, parent, true); }
  function text(tag, s, parent, attrs) {
    var e = make(tag, attrs || {}, parent);
    e.textContent = s;
    return e;
  }
  function fill(template, vals) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in vals ? vals[k] : m; });
  }
  function slug(name) { return name.toLowerCase().replace(/[^a-z0-9]+/g, "-"); }

  // data -> SVG pixels, for one axes: its box (left, top, right, bottom) and limits
  function mapper(ax) {
    function frac(v, lim, log) {
      if (log) {
        if (!(v > 0)) return NaN;
        return (Math.log(v) - Math.log(lim[0])) / (Math.log(lim[1]) - Math.log(lim[0]));
      }
      return (v - lim[0]) / (lim[1] - lim[0]);
    }
    return function (x, y) {
      var b = ax.box;
      return [b[0] + frac(x, ax.x, ax.xlog) * (b[2] - b[0]),
              b[3] - frac(y, ax.y, ax.ylog) * (b[3] - b[1])];
    };
  }
  function points(map, p, n) {
    var out = [];
    for (var i = 0; i + 1 < p.length && i / 2 < n; i += 2) {
      if (p[i] === null || p[i + 1] === null) break;
      var q = map(p[i], p[i + 1]);
      if (isFinite(q[0]) && isFinite(q[1])) out.push(q[0].toFixed(1) + "," + q[1].toFixed(1));
    }
    return out.join(" ");
  }

  // The background drawn for the palette Material shows (its toggle sets the body's
  // data-md-color-scheme), so a dark page gets a dark drawing, not a white card.
  function dark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }
  function paint(widget, bg) {
    var d = widget.dataset, phone = bg.getAttribute("data-phone") === "1";
    var light = phone ? d.phone : d.background;
    var night = phone ? d.phoneDark : d.backgroundDark;
    var src = dark() && night ? night : light;
    if (bg.getAttribute("src") !== src) bg.setAttribute("src", src);
  }
  new MutationObserver(function () {
    var imgs = document.querySelectorAll(".explore-widget .explore-bg");
    for (var i = 0; i < imgs.length; i++) paint(imgs[i].closest(".explore-widget"), imgs[i]);
  }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  // A narrow column gets the phone background (same axes, stacked, larger text).
  var PHONE_BELOW = 600;

  function stage(widget, data) {
    var phone = data.phone && widget.dataset.phone && widget.clientWidth < PHONE_BELOW;
    var layout = phone ? data.phone : data;
    var box = make("div", { "class": "explore-stage" }, widget);
    box.style.aspectRatio = layout.size[0] + " / " + layout.size[1];
    var bg = make("img", { alt: "", "class": "explore-bg" }, box);
    bg.setAttribute("data-phone", phone ? "1" : "");
    paint(widget, bg);
    widget.setAttribute("data-layout", phone ? "phone" : "wide");
    var root = svg("svg", { viewBox: "0 0 " + layout.size.join(" "), "class": "explore-overlay",
                            "aria-hidden": "true", focusable: "false" }, box);
    var defs = svg("defs", {}, root), id = "explore-clip-" + (++uid);
    return layout.axes.map(function (ax, i) {
      var clip = svg("clipPath", { id: id + "-" + i }, defs), b = ax.box;
      svg("rect", { x: b[0], y: b[1], width: b[2] - b[0], height: b[3] - b[1] }, clip);
      return { g: svg("g", { "clip-path": "url(#" + id + "-" + i + ")", "data-axes": i }, root),
               map: mapper(ax), ax: ax };
    });
  }

  function shape(layer, s) {
    var p = s.p, m = layer.map, cls = "x-" + s.c, i, a, b;
    if (s.t === "line") {
      svg("polyline", { points: points(m, p, Infinity), "class": cls }, layer.g);
    } else if (s.t === "dots") {
      for (i = 0; i + 1 < p.length; i += 2) {
        a = m(p[i], p[i + 1]);
        svg("circle", { cx: a[0].toFixed(1), cy: a[1].toFixed(1), r: 5, "class": cls }, layer.g);
      }
    } else if (s.t === "segs") {
      for (i = 0; i + 3 < p.length; i += 4) {
        a = m(p[i], p[i + 1]); b = m(p[i + 2], p[i + 3]);
        svg("line", { x1: a[0].toFixed(1), y1: a[1].toFixed(1), x2: b[0].toFixed(1),
                      y2: b[1].toFixed(1), "class": cls }, layer.g);
      }
    } else if (s.t === "bar") {
      var box = layer.ax.box, w = 0.6 * (box[2] - box[0]), top = m(p[0], p[1])[1];
      svg("rect", { x: (m(p[0], 0)[0] - w / 2).toFixed(1), y: top.toFixed(1), width: w.toFixed(1),
                    height: Math.max(0, box[3] - top).toFixed(1), "class": cls }, layer.g);
    }
  }

  // Sliders over precomputed states: one state per combination of slider values.
  function states(widget, data, S) {
    var layers = stage(widget, data);
    var idx = data.controls.map(function (c) { return c["default"]; });
    var bar = make("div", { "class": "explore-controls" }, widget);
    var readout = make("p", { "class": "explore-readout", "aria-live": "polite" }, widget);
    var inputs = data.controls.map(function (c, k) {
      var label = make("label", { "class": "explore-slider" }, bar);
      text("span", S[c.key], label);
      var input = make("input", { type: "range", min: 0, max: c.n - 1, step: 1, value: idx[k],
                                  "data-key": c.key }, label);
      var out = text("output", "", label);
      // as wide as the longest value, so the track never moves under the finger
      out.style.minWidth = c.labels.reduce(function (m, l) { return Math.max(m, String(l).length); }, 0) + "ch";
      input.addEventListener("input", function () { idx[k] = +input.value; render(); });
      return { input: input, out: out, c: c };
    });
    function render() {
      var i = 0;
      data.controls.forEach(function (c, k) { i = i * c.n + idx[k]; });
      var st = data.states[i];
      layers.forEach(function (l) { l.g.textContent = ""; });
      st.shapes.forEach(function (s) {
        if (s.ref) s = data.shared[s.ref];
        shape(layers[s.ax], s);
      });
      inputs.forEach(function (o, k) {
        o.out.textContent = o.c.labels[idx[k]];
        o.input.setAttribute("aria-valuetext", S[o.c.key] + " " + o.c.labels[idx[k]]);
      });
      readout.textContent = fill(st.vals.diverged ? S.readout_diverged : S.readout, st.vals);
    }
    render();
    return function () {};
  }

  // The optimizer races: a step scrubber, play/pause, a learning-rate scale, toggles.
  function race(widget, data, S) {
    var layer = stage(widget, data)[0];
    var scale = data.scale, step = data.steps, timer = null;
    var on = data.names.map(function () { return true; });
    var bar = make("div", { "class": "explore-controls" }, widget);
    var play = text("button", S.play, bar, { type: "button", "class": "md-button" });
    var label = make("label", { "class": "explore-slider" }, bar);
    text("span", S.step, label);
    var range = make("input", { type: "range", min: 0, max: data.steps, step: 1, value: step,
                                "data-key": "step" }, label);
    var stepOut = text("output", "", label);
    stepOut.style.minWidth = String(data.steps).length + "ch";
    var set = make("fieldset", { "class": "explore-choice" }, widget);
    text("legend", S.scale, set);
    var group = "explore-scale-" + (++uid);
    data.scales.forEach(function (v, k) {
      var l = make("label", {}, set);
      var r = make("input", { type: "radio", name: group, value: k }, l);
      r.checked = k === scale;
      text("span", "×" + v, l);
      r.addEventListener("change", function () { scale = k; render(); });
    });
    var table = make("table", { "class": "explore-table" }, widget);
    var head = make("tr", {}, make("thead", {}, table));
    [S.optimizer, S.loss, S.arrive].forEach(function (h) { text("th", h, head, { scope: "col" }); });
    var body = make("tbody", {}, table);
    var rows = data.names.map(function (name, k) {
      var tr = make("tr", {}, body);
      var l = make("label", {}, make("th", { scope: "row" }, tr));
      var box = make("input", { type: "checkbox", "data-name": name }, l);
      box.checked = true;
      make("span", { "class": "explore-swatch x-" + slug(name) }, l);
      text("span", name, l);
      box.addEventListener("change", function () { on[k] = box.checked; render(); });
      return { loss: text("td", "", tr), arrive: text("td", "", tr) };
    });
    var status = make("p", { "class": "explore-readout", "aria-live": "polite" }, widget);

    function render() {
      layer.g.textContent = "";
      var run = data.runs[scale];
      data.names.forEach(function (name, k) {
        var r = run[name], last = r.path.length / 2 - 1, t = Math.min(step, last);
        rows[k].loss.textContent = step <= last ? r.loss[step] : S.off_map;
        rows[k].arrive.textContent = r.arrive === null ? S.never : fill(S.at_step, { n: r.arrive });
        if (!on[k]) return;
        var c = "x-" + slug(name);
        svg("polyline", { points: points(layer.map, r.path, t + 1), "class": "x-path " + c,
                          "data-name": name }, layer.g);
        var q = layer.map(r.path[2 * t], r.path[2 * t + 1]);
        if (isFinite(q[0]) && isFinite(q[1]))
          svg("circle", { cx: q[0].toFixed(1), cy: q[1].toFixed(1), r: 4.5, "class": "x-head " + c },
              layer.g);
      });
      range.value = step;
      stepOut.textContent = step;
      range.setAttribute("aria-valuetext", S.step + " " + step);
      // the line always tells the step shown; a screen reader hears it once playback stops
      status.setAttribute("aria-live", timer ? "off" : "polite");
      status.textContent = fill(S.status, { step: step, steps: data.steps,
                                            scale: "×" + data.scales[scale] });
    }
    function stop() {
      clearInterval(timer);
      timer = null;
      play.textContent = S.play;
      play.setAttribute("aria-pressed", "false");
      render();
    }
    function start() {
      if (step >= data.steps) step = 0;
      timer = setInterval(function () {
        if (step >= data.steps) stop(); else { step++; render(); }
      }, 40);
      play.textContent = S.pause;
      play.setAttribute("aria-pressed", "true");
    }
    play.addEventListener("click", function () { if (timer) stop(); else start(); });
    range.addEventListener("input", function () {
      if (timer) stop();
      step = +range.value;
      render();
    });
    play.setAttribute("aria-pressed", "false");
    render();
    return function () { if (!reduced && !timer && step === data.steps) start(); };
  }

  var KINDS = { race: race, states: states };

  function build(widget) {
    var S = JSON.parse(widget.dataset.strings);
    var outer = widget.parentNode;
    fetch(widget.dataset.explore).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + widget.dataset.explore);
      return r.json();
    }).then(function (data) {
      var onShow = KINDS[data.kind](widget, data, S);
      widget.setAttribute("data-ready", "");
      // the first time a race comes into view it runs once (never under reduced motion)
      if ("IntersectionObserver" in window) {
        var seen = new IntersectionObserver(function (entries) {
          if (entries[0].isIntersecting) { seen.disconnect(); onShow(); }
        }, { threshold: 0.6 });
        seen.observe(widget);
      }
    }).catch(function () {
      outer.classList.remove("explore--live");
      outer.classList.add("explore--failed");
      widget.hidden = true;
      text("p", S.unavailable, outer, { "class": "explore-readout screen-only" });
    });
  }

  // The widget's final height, reserved before its data arrives, from the sizes the
  // build wrote on it (explore_page.reserve): explore.css does it from the first layout
  // where the browser reads typed attr(); elsewhere this does it, at once.
  function reserve(w) {
    if (parseFloat(getComputedStyle(w).minHeight) > 0) return;
    var d = w.dataset, width = w.clientWidth, phone = width < PHONE_BELOW && d.pw && d.phone;
    var size = phone ? [+d.pw, +d.ph] : [+d.w, +d.h];
    if (!size[0] || !width) return;
    var controls = +(phone ? d.controlsPhone : d.controls) || 0;
    w.style.minHeight = Math.ceil(width * size[1] / size[0] + controls) + "px";
  }

  function init() {
    var widgets = document.querySelectorAll(".explore-widget[data-explore]");
    var near = "IntersectionObserver" in window && new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { near.unobserve(e.target); build(e.target); }
      });
    }, { rootMargin: "600px 0px" });
    Array.prototype.forEach.call(widgets, function (w) {
      w.hidden = false;
      w.parentNode.classList.add("explore--live");
      reserve(w);
      if (near) near.observe(w); else build(w);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
