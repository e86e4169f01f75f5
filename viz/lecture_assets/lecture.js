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

  // -- the view: it follows the walk by the slides' rule (viz/walk/framing.py) -----------------
  // Each step's record names what must be seen (v.k: the node and its op; v.n: its inputs, then
  // its outputs, nearest first, each with the words on its edge) in the layout's points (y up).
  var PAD = data.pad || 0;
  function toView(x, y) {
    // a layout point -> the SVG's viewBox units (the drawing is pinned PAD points in, y down)
    var gx = x + PAD, gy = -(y + PAD);
    return {x: toRoot.a * gx + toRoot.c * gy + toRoot.e, y: toRoot.b * gx + toRoot.d * gy + toRoot.f};
  }
  function viewBox(b) {
    var p = toView(b[0], b[1]), q = toView(b[2], b[3]);
    return {x: Math.min(p.x, q.x), y: Math.min(p.y, q.y), w: Math.abs(q.x - p.x), h: Math.abs(q.y - p.y)};
  }
  function union(a, b) {
    var x0 = Math.min(a.x, b.x), y0 = Math.min(a.y, b.y);
    return {x: x0, y: y0, w: Math.max(a.x + a.w, b.x + b.w) - x0, h: Math.max(a.y + a.h, b.y + b.h) - y0};
  }
  function fitScale(box, width, height) {
    return Math.min((width - 2 * MARGIN) / Math.max(box.w, 1e-9), (height - 2 * MARGIN) / Math.max(box.h, 1e-9));
  }
  function clamp(value, low, high) { return low > high ? (low + high) / 2 : Math.min(Math.max(value, low), high); }
  function followView(frame) {
    // a graph that reads whole is shown whole; else the node and as many of its inputs and
    // outputs as fit at a readable scale, as large as they fit; when some do not, the view is as
    // wide as reads and leans towards them (their stubs say the rest); it stays on the drawing
    var width = holder.clientWidth, height = holder.clientHeight;
    var whole = fitScale(drawing, width, height);
    var focus = frame.v;
    if (!focus || whole >= MIN_SCALE) {
      var s = Math.min(Math.max(whole, 1e-3), MAX_WHOLE);
      return {x: drawing.x + drawing.w / 2 - width / s / 2, y: drawing.y + drawing.h / 2 - height / s / 2,
              w: width / s, h: height / s};
    }
    var chosen = viewBox(focus.k), left = [];
    focus.n.forEach(function (n) {
      var box = viewBox(n[2]);
      if (!n[4]) { left.push(box); return; }
      var wider = union(chosen, box);
      if (fitScale(wider, width, height) >= MIN_SCALE) { chosen = wider; } else { left.push(box); }
    });
    var scale = MIN_SCALE, aim = chosen;
    if (left.length) { left.forEach(function (box) { aim = union(aim, box); }); }
    else { scale = Math.max(MIN_SCALE, Math.min(fitScale(chosen, width, height), MAX_SCALE)); }
    var w = width / scale, h = height / scale, m = MARGIN / scale;
    var cx = clamp(aim.x + aim.w / 2, chosen.x + chosen.w + m - w / 2, chosen.x - m + w / 2);
    var cy = clamp(aim.y + aim.h / 2, chosen.y + chosen.h + m - h / 2, chosen.y - m + h / 2);
    cx = drawing.w <= w ? drawing.x + drawing.w / 2 : clamp(cx, drawing.x + w / 2, drawing.x + drawing.w - w / 2);
    cy = drawing.h <= h ? drawing.y + drawing.h / 2 : clamp(cy, drawing.y + h / 2, drawing.y + drawing.h - h / 2);
    // what was chosen stays in view even where the drawing's edge pulls the other way
    cx = clamp(cx, chosen.x + chosen.w + m - w / 2, chosen.x - m + w / 2);
    cy = clamp(cy, chosen.y + chosen.h + m - h / 2, chosen.y - m + h / 2);
    return {x: cx - w / 2, y: cy - h / 2, w: w, h: h};
  }

  // -- stubs: an input or output the view does not show whole, at the edge on its side ----------
  var ARROWS = {left: "\u2190", right: "\u2192", top: "\u2191", bottom: "\u2193"};
  var stubs = [];
  function stubElement(k) {
    while (stubs.length <= k) {
      var element = document.createElement("div");
      element.className = "stub";
      element.setAttribute("aria-hidden", "true");
      holder.appendChild(element);
      stubs.push(element);
    }
    return stubs[k];
  }
  function overlaps(a, b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }
  function leaving(points, area) {
    // the side of the area a line through the points first leaves it by, and where
    function within(p) { return p.x >= area.x && p.x <= area.x + area.w && p.y >= area.y && p.y <= area.y + area.h; }
    for (var k = 0; k + 1 < points.length; k++) {
      var a = points[k], b = points[k + 1];
      if (!within(a) || within(b)) { continue; }
      var dx = b.x - a.x, dy = b.y - a.y, best = null;
      [["left", dx < 0 ? (area.x - a.x) / dx : Infinity], ["right", dx > 0 ? (area.x + area.w - a.x) / dx : Infinity],
       ["top", dy < 0 ? (area.y - a.y) / dy : Infinity], ["bottom", dy > 0 ? (area.y + area.h - a.y) / dy : Infinity]]
        .forEach(function (c) { if (c[1] >= 0 && (best === null || c[1] < best[1])) { best = c; } });
      return {side: best[0], x: clamp(a.x + best[1] * dx, area.x, area.x + area.w),
              y: clamp(a.y + best[1] * dy, area.y, area.y + area.h)};
    }
    return null;
  }
  function placeStub(side, anchor, w, h, area, taken) {
    // against its side, as near its anchor as it can be without covering what is taken; against
    // another side if its own has no room; at the anchor if none has
    var gap = 4, step = Math.max(Math.min(w, h) / 4, 1);
    var sides = [side].concat(["left", "right", "bottom", "top"].filter(function (s) { return s !== side; }));
    for (var k = 0; k < sides.length; k++) {
      var across = sides[k] === "left" || sides[k] === "right";
      var fixed = across ? (sides[k] === "left" ? area.x + gap : area.x + area.w - gap - w)
        : (sides[k] === "top" ? area.y + gap : area.y + area.h - gap - h);
      var low = across ? area.y + gap : area.x + gap;
      var high = across ? area.y + area.h - gap - h : area.x + area.w - gap - w;
      if (low > high) { continue; }
      var wanted = clamp(across ? anchor.y - h / 2 : anchor.x - w / 2, low, high);
      var count = Math.floor((high - low) / step) + 1;
      for (var j = 0; j <= 2 * count; j++) {
        var offset = (j % 2 ? 1 : -1) * Math.ceil(j / 2) * step;
        var v = wanted + offset;
        if (v < low - step || v > high + step) { continue; }
        v = clamp(v, low, high);
        var box = across ? {x: fixed, y: v, w: w, h: h} : {x: v, y: fixed, w: w, h: h};
        if (!taken.some(function (t) { return overlaps(box, t); })) { return box; }
      }
    }
    return {x: clamp(anchor.x - w / 2, area.x, area.x + area.w - w), y: clamp(anchor.y - h / 2, area.y, area.y + area.h - h),
            w: w, h: h};
  }
  function drawStubs(frame, view, scale) {
    var width = holder.clientWidth, height = holder.clientHeight;
    var focus = frame && !frame.f && !overview ? frame.v : null;
    var used = 0;
    if (focus) {
      var cx = view.x + view.w / 2, cy = view.y + view.h / 2;
      var toScreen = function (x, y) {
        var p = toView(x, y);
        return {x: width / 2 + (p.x - cx) * scale, y: height / 2 + (p.y - cy) * scale};
      };
      var screenBox = function (b) {
        var p = toScreen(b[0], b[1]), q = toScreen(b[2], b[3]);
        return {x: Math.min(p.x, q.x), y: Math.min(p.y, q.y), w: Math.abs(q.x - p.x), h: Math.abs(q.y - p.y)};
      };
      var area = {x: 0, y: 0, w: width, h: height};
      var whole = function (b) {
        return b.x >= -0.5 && b.y >= -0.5 && b.x + b.w <= width + 0.5 && b.y + b.h <= height + 0.5;
      };
      var taken = [screenBox(focus.k)], wanted = [];
      focus.n.forEach(function (n) {
        var box = screenBox(n[2]);
        if (n[4] && whole(box)) { taken.push(box); } else { wanted.push([n, box]); }
      });
      wanted.forEach(function (entry) {
        var n = entry[0], toward = toScreen(n[3][0], n[3][1]), points = [];
        for (var k = 0; k + 1 < n[6].length; k += 2) { points.push(toScreen(n[6][k], n[6][k + 1])); }
        if (!points.length) { points = [{x: taken[0].x + taken[0].w / 2, y: taken[0].y + taken[0].h / 2}, toward]; }
        var where = leaving(points, area);
        if (!where) {
          var tx = clamp(toward.x, 0, width), ty = clamp(toward.y, 0, height);
          var gaps = {left: tx, right: width - tx, top: ty, bottom: height - ty};
          var side = Object.keys(gaps).reduce(function (a, b) { return gaps[b] < gaps[a] ? b : a; });
          where = {side: side, x: tx, y: ty};
        }
        var element = stubElement(used++);
        var lines = n[5];
        var caption = where.side === "right" ? lines[0] + " " + ARROWS.right : ARROWS[where.side] + " " + lines[0];
        element.textContent = "";
        element.setAttribute("data-node", String(n[0]));
        element.setAttribute("data-role", n[1] === "i" ? "input" : "output");
        [caption].concat(lines.slice(1)).forEach(function (line, k) {
          if (!line) { return; }
          var row = document.createElement("div");
          row.className = k === 0 ? "caption" : (/^[\u2190\u2192\u2191\u2193]/.test(line) ? "flow" : "value");
          row.textContent = line;
          element.appendChild(row);
        });
        element.style.display = "block";
        var box = placeStub(where.side, where, element.offsetWidth, element.offsetHeight, area, taken);
        taken.push(box);
        element.style.left = box.x + "px";
        element.style.top = box.y + "px";
      });
    }
    for (var k = used; k < stubs.length; k++) { stubs[k].style.display = "none"; stubs[k].removeAttribute("data-node"); }
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
    drawStubs(frames[current], view, scale);
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
    setView(overview ? overviewView() : followView(frame), animate);
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
