// Plays a lecture page: one drawing of the walk, restyled for each frame from a small record (every
// node's look, what flows back along the current node's edges, the running sums, the folds shut),
// and a view that follows the node being processed.  Inlined into the page by viz/lecture_page.py;
// the records are the walk's own frames (viz/walk), nothing here decides what a step means.
(function () {
  "use strict";
  var PREFIX = "g-";
  var LOOKS = {d: "done", c: "current", s: "seeded", g: "gathering", p: "pending", n: "no-grad"};
  // The view never shrinks the diagram below MIN_SCALE (a 12 pt label's box stays about 15 px
  // tall) and never blows a small graph up beyond MAX_SCALE.
  var MIN_SCALE = 1.1;
  var MAX_SCALE = 1.35;
  var MAX_WHOLE = 2.2;  // a graph small enough to show whole is shown as large as a slide
  var MARGIN = 16;
  var BLANK = "\u00a0";
  // A folded scope's box is lettered to be read in the overview, where the drawing is small; close
  // up its letters are held to this many pixels (a frame that follows a node near a fold would
  // show a few giant strokes of its name).
  var FOLD_PX = 40;

  var data = JSON.parse(document.getElementById("lecture-data").textContent);
  var frames = data.frames;
  // Each frame lists the nodes whose look changed since the frame before ("c12 g7": node 12 is
  // current, node 7 gathering); spelled out here once, one letter per node for every frame.
  var letters = [];
  frames.forEach(function (frame) {
    if (typeof frame.s === "string") { letters = frame.s.split(""); }
    else {
      letters = letters.slice();
      (frame.d ? frame.d.split(" ") : []).forEach(function (change) {
        letters[parseInt(change.slice(1), 10)] = change.charAt(0);
      });
    }
    frame.looks = letters;
    frame.r = frame.r || {};
    frame.x = frame.x || [];
  });
  var total = frames.length;
  var holder = document.getElementById("diagram");
  var svg = holder.querySelector("svg.walk") || holder.querySelector("svg");
  var forwardOnly = !!holder.querySelector("svg.forward-only");
  var graph = svg.querySelector("g.graph") || svg;
  var sections = document.querySelectorAll("section.frame");
  var counter = document.getElementById("counter");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var overviewButton = document.getElementById("overview");
  var reduceMotion = !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);

  var layoutBox = svg.viewBox.baseVal;
  var drawing = {x: layoutBox.x, y: layoutBox.y, w: layoutBox.width, h: layoutBox.height};
  // The SVG keeps its laid-out size (1 unit = 1 CSS pixel) and the view moves it with a CSS
  // transform: the browser repaints, it does not lay the drawing out again at every step.
  svg.style.width = drawing.w + "px";
  svg.style.height = drawing.h + "px";
  var toRoot = graph.transform && graph.transform.baseVal.consolidate();
  toRoot = toRoot ? toRoot.matrix : svg.createSVGMatrix();

  var boxes = new Map();
  function boxCache(element) {
    // boxes in the drawing's own units; they never change
    var box = boxes.get(element);
    if (!box) {
      var b = element.getBBox();
      box = {x: b.x, y: b.y, w: b.width, h: b.height};
      if (b.width || b.height) { boxes.set(element, box); }  // not drawn yet (a hidden frame): ask again later
    }
    return box;
  }
  function part(name) { return document.getElementById(PREFIX + name); }
  function styled(element) { return {element: element, base: element.getAttribute("class") || ""}; }
  function texts(element, kind) {
    return element ? Array.prototype.slice.call(element.querySelectorAll("text." + kind)) : [];
  }
  function lines(elements) {
    return elements.map(function (t) { return t.textContent; });
  }
  function write(elements, words, shown) {
    // line k of the words into text k; the texts left over hold nothing
    for (var k = 0; k < elements.length; k++) {
      var text = k < words.length ? words[k] : BLANK;
      if (elements[k].textContent !== text) { elements[k].textContent = text; }
    }
    return shown;
  }

  var nodes = data.nodes.map(function (entry, i) {
    var parts = [];
    ["v", "o", "r"].forEach(function (kind) {
      var element = part(kind + i);
      if (element) { parts.push(styled(element)); }
    });
    var grads = texts(part("v" + i), "gr");
    return {scope: data.scopes[entry[0]], parents: entry[1], parts: parts, suffix: null,
            grads: grads, finalGrad: lines(grads), running: null};
  });
  var flows = {};  // edge id -> its texts of what flows back, and the lines a finished node shows
  data.edges.forEach(function (entry) {
    var edge = document.getElementById(entry[0]);
    if (!edge) { return; }
    flows[entry[0]] = {texts: texts(edge, "bk"), finished: entry[2] || []};
    write(flows[entry[0]].texts, flows[entry[0]].finished);
    nodes[entry[1]].parts.push(styled(edge));
  });

  // A quiz page (viz.lecture(..., quiz=True)) hides what each step computes until it is answered:
  // lecture_quiz.js, inlined before this script, does that on top of each frame this script draws.
  var quiz = data.quiz && window.chainruleQuiz ? window.chainruleQuiz({
    data: data, frames: frames, nodes: nodes, flows: flows, sections: sections,
    redraw: function () { apply(frames[current]); quiz.apply(current); }
  }) : null;

  // -- the state of one frame ------------------------------------------------------------------
  function addScope(scope, into) {
    while (scope) {
      into[scope] = true;
      var cut = scope.lastIndexOf("/");
      scope = cut < 0 ? "" : scope.slice(0, cut);
    }
  }
  function nearScopes(i) {
    // the scopes of the current node and of its inputs (with their enclosing scopes)
    if (i < 0) { return null; }
    var near = {};
    addScope(nodes[i].scope, near);
    nodes[i].parents.forEach(function (p) { addScope(nodes[p].scope, near); });
    return near;
  }
  var folds = data.folds || [];
  function applyFolds(frame) {
    var shut = {};
    frame.x.forEach(function (n) { shut[n] = true; });
    for (var n = 0; n < folds.length; n++) { svg.classList.toggle("shut-" + n, !!shut[n]); }
  }
  var rewritten = [];
  var onPath = [];
  function apply(frame) {
    svg.classList.toggle("forward", !!frame.f);
    holder.classList.toggle("forward-frame", !!frame.f && forwardOnly);
    applyFolds(frame);
    var near = frame.f ? null : nearScopes(frame.c);
    for (var i = 0; i < nodes.length; i++) {
      var look = LOOKS[frame.looks[i]];
      if (!look) { continue; }  // a constant: drawn as it is
      var node = nodes[i];
      var running = frame.r[i] || null;
      if (node.running !== running) {
        // a gathering node shows its running sum ("so far"), every other its final gradient
        write(node.grads, running || node.finalGrad);
        node.grads.forEach(function (t) { t.classList.toggle("so-far", !!running); });
        node.running = running;
      }
      var far = near !== null && node.scope !== "" && !near[node.scope];
      var suffix = " s-" + look + (far ? " far" : "");
      if (node.suffix === suffix) { continue; }  // restyle only what changed since the last frame
      node.suffix = suffix;
      for (var k = 0; k < node.parts.length; k++) {
        node.parts[k].element.setAttribute("class", node.parts[k].base + suffix);
      }
    }
    // the sum over paths (viz.lecture(..., paths=x)): its edges, and the op-to-value edges they lead on to
    onPath.forEach(function (element) { element.classList.remove("on-path"); });
    onPath = [];
    (frame.p || []).forEach(function (id) {
      [document.getElementById(id), part("r" + id.slice(PREFIX.length + 1).split(".")[0])].forEach(function (element) {
        if (element) { element.classList.add("on-path"); onPath.push(element); }
      });
    });
    rewritten.forEach(function (flow) { write(flow.texts, flow.finished); });
    rewritten = [];
    Object.keys(frame.e).forEach(function (id) {
      var flow = flows[id];
      if (flow) {
        // the layout left room on the edge for this text
        write(flow.texts, frame.e[id]);
        rewritten.push(flow);
      }
    });
  }

  // -- the view --------------------------------------------------------------------------------
  function boxOf(elements) {
    // the union of the elements' boxes, in the coordinates of the SVG's viewBox
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    elements.forEach(function (element) {
      if (!element) { return; }
      var b = boxCache(element);
      if (!b.w && !b.h) { return; }
      [[b.x, b.y], [b.x + b.w, b.y + b.h]].forEach(function (corner) {
        var px = toRoot.a * corner[0] + toRoot.c * corner[1] + toRoot.e;
        var py = toRoot.b * corner[0] + toRoot.d * corner[1] + toRoot.f;
        x0 = Math.min(x0, px); y0 = Math.min(y0, py); x1 = Math.max(x1, px); y1 = Math.max(y1, py);
      });
    });
    return x0 === Infinity ? null : {x: x0, y: y0, w: x1 - x0, h: y1 - y0};
  }
  function candidates(frame) {
    // from the most to the least context: the whole graph, the node with its inputs and what
    // flows to them, the node and its op with what flows back, the node and its op, the node
    var list = [drawing];
    var i = frame.c;
    if (i < 0 || frame.f) { return list; }
    var core = [part("v" + i), part("o" + i)];
    var flowing = [];
    Object.keys(frame.e).forEach(function (id) { if (flows[id]) { flowing = flowing.concat(flows[id].texts); } });
    var inputs = nodes[i].parents.map(function (p) { return part("v" + p); });
    [core.concat(flowing, inputs), core.concat(flowing), core, [part("v" + i)]].forEach(function (elements) {
      var box = boxOf(elements);
      if (box) { list.push(box); }
    });
    return list;
  }
  function clamp(value, low, high) { return low > high ? (low + high) / 2 : Math.min(Math.max(value, low), high); }
  function followView(frame) {
    // the most context that fits at a readable scale; if only a part fits, the view leans
    // towards the rest of the context as far as it can while that part stays in view
    var width = holder.clientWidth, height = holder.clientHeight;
    var list = candidates(frame);
    var k = list.length - 1, scale = MIN_SCALE;
    for (var j = 0; j < list.length; j++) {
      var fit = Math.min((width - 2 * MARGIN) / list[j].w, (height - 2 * MARGIN) / list[j].h);
      if (fit >= MIN_SCALE) { k = j; scale = Math.min(fit, j === 0 ? MAX_WHOLE : MAX_SCALE); break; }
    }
    var chosen = list[k], context = list[Math.max(0, k - 1)];
    var w = width / scale, h = height / scale, m = MARGIN / scale;
    var cx = clamp(context.x + context.w / 2, chosen.x + chosen.w + m - w / 2, chosen.x - m + w / 2);
    var cy = clamp(context.y + context.h / 2, chosen.y + chosen.h + m - h / 2, chosen.y - m + h / 2);
    // and it stays on the drawing where it can
    cx = drawing.w <= w ? drawing.x + drawing.w / 2 : clamp(cx, drawing.x + w / 2, drawing.x + drawing.w - w / 2);
    cy = drawing.h <= h ? drawing.y + drawing.h / 2 : clamp(cy, drawing.y + h / 2, drawing.y + drawing.h - h / 2);
    return {x: cx - w / 2, y: cy - h / 2, w: w, h: h};
  }
  function overviewView() {
    // the whole graph, as large as the space allows
    var width = holder.clientWidth, height = holder.clientHeight;
    var scale = Math.min((width - 2 * MARGIN) / drawing.w, (height - 2 * MARGIN) / drawing.h, MAX_WHOLE);
    var w = width / scale, h = height / scale;
    return {x: drawing.x + drawing.w / 2 - w / 2, y: drawing.y + drawing.h / 2 - h / 2, w: w, h: h};
  }
  var shown = null;
  var animation = 0;
  var foldTexts = Array.prototype.map.call(svg.querySelectorAll("g.fold text"), function (text) {
    return {text: text, size: parseFloat(text.getAttribute("font-size")) || 14};
  });
  var foldCap = null;
  function capFolds(scale) {
    var cap = Math.round(FOLD_PX / scale);
    if (cap === foldCap) { return; }
    foldCap = cap;
    foldTexts.forEach(function (t) { t.text.style.fontSize = t.size > cap ? cap + "px" : ""; });
  }
  function paint(view) {
    // the view's centre in the middle of the holder, at the scale that fits the view
    var width = holder.clientWidth, height = holder.clientHeight;
    var scale = Math.min(width / view.w, height / view.h);
    capFolds(scale);
    var tx = width / 2 - scale * (view.x + view.w / 2 - drawing.x);
    var ty = height / 2 - scale * (view.y + view.h / 2 - drawing.y);
    svg.style.transform = "translate(" + tx + "px, " + ty + "px) scale(" + scale + ")";
    svg.setAttribute("data-view", [view.x, view.y, view.w, view.h].map(Math.round).join(" "));
  }
  function setView(view, animate) {
    if (animation) { cancelAnimationFrame(animation); animation = 0; }
    if (!shown || !animate || reduceMotion) { shown = view; paint(view); return; }
    var from = shown, start = null;
    function tick(now) {
      if (start === null) { start = now; }
      var t = Math.min(1, (now - start) / 350);
      var e = t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
      shown = {x: from.x + (view.x - from.x) * e, y: from.y + (view.y - from.y) * e,
               w: from.w + (view.w - from.w) * e, h: from.h + (view.h - from.h) * e};
      paint(shown);
      animation = t < 1 ? requestAnimationFrame(tick) : 0;
    }
    animation = requestAnimationFrame(tick);
  }
  var overview = false;
  var current = 0;
  function updateView(animate) {
    var frame = frames[current];
    var whole = overview || (frame.f && candidates(frame).length === 1);
    setView(whole ? overviewView() : followView(frame), animate);
  }
  function toggleOverview() {
    overview = !overview;
    overviewButton.setAttribute("aria-pressed", overview ? "true" : "false");
    overviewButton.textContent = overview ? "Follow" : "Overview";
    holder.classList.toggle("overview", overview);
    updateView(true);
  }

  // -- looking around by hand: drag to pan; ctrl + wheel (a pinch) or + / - to zoom --------------
  // (a plain wheel still scrolls the page around it, as in a notebook); the next step follows again
  function scaleOf(view) { return Math.min(holder.clientWidth / view.w, holder.clientHeight / view.h); }
  var drag = null;
  holder.addEventListener("pointerdown", function (event) {
    if (event.button !== 0 || !shown) { return; }
    drag = {x: event.clientX, y: event.clientY, view: shown};
    if (holder.setPointerCapture) { holder.setPointerCapture(event.pointerId); }
    holder.classList.add("dragging");
  });
  holder.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    var s = scaleOf(drag.view);
    setView({x: drag.view.x - (event.clientX - drag.x) / s, y: drag.view.y - (event.clientY - drag.y) / s,
             w: drag.view.w, h: drag.view.h}, false);
  });
  function endDrag() { drag = null; holder.classList.remove("dragging"); }
  holder.addEventListener("pointerup", endDrag);
  holder.addEventListener("pointercancel", endDrag);
  function zoomBy(factor, clientX, clientY) {
    if (!shown) { return; }
    var s = scaleOf(shown);
    factor = Math.min(Math.max(factor, 0.05 / s), 4 / s);  // between 5% and 400%
    var r = holder.getBoundingClientRect();
    var fx = (clientX - r.left) / r.width, fy = (clientY - r.top) / r.height;
    var px = shown.x + fx * shown.w, py = shown.y + fy * shown.h;  // stays under the pointer
    var w = shown.w / factor, h = shown.h / factor;
    setView({x: px - fx * w, y: py - fy * h, w: w, h: h}, false);
  }
  function zoomAtFocus(factor) {
    // + and - zoom around the node being processed (wherever the view has moved it), else the centre
    var frame = frames[current];
    var box = frame.c >= 0 && !frame.f ? part("v" + frame.c) : null;
    var r = (box && box.getBoundingClientRect().width ? box : holder).getBoundingClientRect();
    zoomBy(factor, r.left + r.width / 2, r.top + r.height / 2);
  }
  holder.addEventListener("wheel", function (event) {
    if (!(event.ctrlKey || event.metaKey)) { return; }
    event.preventDefault();
    zoomBy(Math.exp(-event.deltaY * 0.002), event.clientX, event.clientY);
  }, {passive: false});

  // -- the text under the diagram: every row shows, or the panel says there is more -------------
  function markScrolling(section) {
    var pre = section.querySelector("pre");
    if (!pre) { return; }
    var more = pre.scrollHeight > pre.clientHeight + 1;
    pre.classList.toggle("scrolls", more);
    var note = section.querySelector(".more");
    if (more && !note) {
      note = document.createElement("p");
      note.className = "more";
      note.textContent = "more below: scroll the text \u2193";
      section.appendChild(note);
    }
    if (note) { note.classList.toggle("shown", more && pre.scrollTop + pre.clientHeight < pre.scrollHeight - 1); }
  }
  Array.prototype.forEach.call(sections, function (section) {
    var pre = section.querySelector("pre");
    if (pre) { pre.addEventListener("scroll", function () { markScrolling(section); }); }
  });

  // -- moving ----------------------------------------------------------------------------------
  function show(k, animate) {
    current = Math.max(0, Math.min(total - 1, k));
    for (var i = 0; i < sections.length; i++) { sections[i].hidden = i !== current; }
    counter.textContent = sections[current].getAttribute("data-counter");
    prev.disabled = current === 0;
    next.disabled = current === total - 1;
    apply(frames[current]);
    if (quiz) { quiz.apply(current); quiz.shown(current); }
    markScrolling(sections[current]);
    updateView(animate);
    document.body.setAttribute("data-frame", String(current));
    try { history.replaceState(null, "", "#" + current); } catch (error) { /* a sandboxed frame */ }
  }
  prev.addEventListener("click", function () { show(current - 1, true); });
  next.addEventListener("click", function () { show(current + 1, true); });
  overviewButton.addEventListener("click", toggleOverview);
  document.addEventListener("keydown", function (event) {
    if (quiz && quiz.key(event)) { return; }
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    if (key === "ArrowRight" || key === "PageDown" || key === " ") { show(current + 1, true); }
    else if (key === "ArrowLeft" || key === "PageUp") { show(current - 1, true); }
    else if (key === "Home") { show(0, true); }
    else if (key === "End") { show(total - 1, true); }
    else if (key === "o" || key === "O" || key === "z" || key === "Z") { toggleOverview(); }
    else if (key === "+" || key === "=") { zoomAtFocus(1.25); }
    else if (key === "-" || key === "_") { zoomAtFocus(0.8); }
    else { return; }
    event.preventDefault();
  });
  window.addEventListener("resize", function () { markScrolling(sections[current]); updateView(false); });
  if (window.ResizeObserver) {
    // a frame in a notebook may be laid out after the page ran: measure and place again then
    new ResizeObserver(function () {
      if (!holder.clientWidth) { return; }
      markScrolling(sections[current]);
      updateView(false);
    }).observe(holder);
  }
  function fromHash() {
    // page.html#12 opens at frame 12 (a link to one step)
    var k = parseInt((location.hash || "#0").slice(1), 10);
    return isNaN(k) ? 0 : k;
  }
  window.addEventListener("hashchange", function () { if (fromHash() !== current) { show(fromHash(), false); } });
  show(fromHash(), false);
})();
