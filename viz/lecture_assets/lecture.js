// Plays a lecture page: one laid-out diagram, restyled for each frame from a small record
// (every node's state, what flows back along the current node's edges), and a view that
// follows the node being processed.  Inlined into the page by viz/lecture_page.py.
(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var PREFIX = "g-";
  var STATES = {d: "done", c: "current", s: "seeded", g: "gathering", p: "pending"};
  // The view never shrinks the diagram below MIN_SCALE (a 12 pt label's box stays about 15 px
  // tall) and never blows a small graph up beyond MAX_SCALE.
  var MIN_SCALE = 1.1;
  var MAX_SCALE = 1.35;
  var MAX_WHOLE = 2.2;  // a graph small enough to show whole is shown as large as a slide
  var MARGIN = 16;

  var data = JSON.parse(document.getElementById("lecture-data").textContent);
  var frames = data.frames;
  // Each frame lists the nodes whose state changed since the frame before ("c12 g7": node 12 is
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
    frame.states = letters;
  });
  var total = frames.length;
  var holder = document.getElementById("diagram");
  var svg = holder.querySelector("svg");
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
    // boxes in the drawing's own units; they never change but for the callouts' texts
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

  var nodes = data.nodes.map(function (entry, i) {
    var parts = [];
    ["v", "o", "r"].forEach(function (kind) {
      var element = part(kind + i);
      if (element) { parts.push(styled(element)); }
    });
    return {scope: data.scopes[entry[0]], parents: entry[1], parts: parts, suffix: null};
  });
  var flows = {};  // edge id -> its text of what flows back, and the text a finished node shows
  data.edges.forEach(function (entry) {
    var edge = document.getElementById(entry[0]);
    if (!edge) { return; }
    var texts = edge.querySelectorAll("text.bk");
    for (var j = 1; j < texts.length; j++) { texts[j].style.display = "none"; }
    if (texts.length) {
      // the layout's text is the longer one, shown while its node is current
      flows[entry[0]] = {text: texts[0], finished: entry[2] === null ? "" : entry[2],
                         layout: texts[0].textContent, centred: false};
    }
    nodes[entry[1]].parts.push(styled(edge));
  });
  var flowIds = Object.keys(flows);
  var centred = 0;
  function centreFlows() {
    // Graphviz starts each text at its left end; the finished and current texts differ in width,
    // so each is centred where the layout's text was.  That takes a drawn SVG: a page inside a
    // frame that is not displayed yet does it when it is.
    if (centred === flowIds.length) { return; }
    flowIds.forEach(function (id) {
      var flow = flows[id];
      if (flow.centred) { return; }
      var shown = flow.text.textContent;
      flow.text.textContent = flow.layout;
      var box = boxCache(flow.text);
      if (box.w) {
        flow.text.setAttribute("text-anchor", "middle");
        flow.text.setAttribute("x", box.x + box.w / 2);
        flow.centred = true;
        centred += 1;
      }
      flow.text.textContent = shown;
    });
  }
  flowIds.forEach(function (id) { flows[id].text.textContent = flows[id].finished; });
  var callouts = document.createElementNS(SVG_NS, "g");
  callouts.setAttribute("class", "callouts");
  graph.appendChild(callouts);

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
  // Folded scopes (collapse=): a scope is open while the current node or one of its inputs is
  // in it, folded (the svg has the class shut-n: its parts hidden, its summary box shown) otherwise.
  var folds = data.folds || [];
  var foldOf = data.fold || [];
  function fold(i) { var n = foldOf[data.nodes[i][0]]; return n === undefined ? -1 : n; }
  function applyFolds(frame) {
    if (!folds.length) { return; }
    var open = {};
    if (!frame.f && frame.c >= 0) {
      open[fold(frame.c)] = true;
      nodes[frame.c].parents.forEach(function (p) { open[fold(p)] = true; });
    }
    for (var n = 0; n < folds.length; n++) { svg.classList.toggle("shut-" + n, !open[n]); }
  }
  var rewritten = [];
  function apply(frame) {
    svg.classList.toggle("forward", !!frame.f);
    applyFolds(frame);
    var near = frame.f ? null : nearScopes(frame.c);
    for (var i = 0; i < nodes.length; i++) {
      var state = STATES[frame.states[i]];
      if (!state) { continue; }  // a constant: drawn as it is
      var far = near !== null && nodes[i].scope !== "" && !near[nodes[i].scope];
      var suffix = " s-" + state + (far ? " far" : "");
      if (nodes[i].suffix === suffix) { continue; }  // restyle only what changed since the last frame
      nodes[i].suffix = suffix;
      var parts = nodes[i].parts;
      for (var k = 0; k < parts.length; k++) {
        // the seeded output is drawn as current; its edges carry nothing yet
        var own = state === "seeded" && parts[k].base !== "edge" ? " s-current" + (far ? " far" : "") : suffix;
        parts[k].element.setAttribute("class", parts[k].base + own);
      }
    }
    while (callouts.firstChild) { callouts.removeChild(callouts.firstChild); }
    rewritten.forEach(function (flow) { flow.text.textContent = flow.finished; });
    rewritten = [];
    Object.keys(frame.e).forEach(function (id) {
      var text = frame.e[id];
      var flow = flows[id];
      if (flow && text.indexOf("\n") < 0) {
        // the layout left room for this text on the edge
        flow.text.textContent = text;
        rewritten.push(flow);
      } else {
        var edge = document.getElementById(id);
        if (edge) { callout(edge, text); }
      }
    });
  }
  function callout(edge, text) {
    // upstream x local = contribution, where the edge's label says what flows back
    var local = edge.querySelector("text.loc");
    var flow = edge.querySelector("text.bk");
    var x, y;
    if (local) {
      var box = local.getBBox();
      x = box.x + box.width / 2;
      y = flow ? parseFloat(flow.getAttribute("y")) : box.y + box.height + 11;
    } else if (flow) {
      var fbox = flow.getBBox();
      x = fbox.x + fbox.width / 2;
      y = parseFloat(flow.getAttribute("y"));
    } else {
      var path = edge.querySelector("path");
      var middle = path.getPointAtLength(path.getTotalLength() / 2);
      x = middle.x;
      y = middle.y - 4;
    }
    var label = document.createElementNS(SVG_NS, "text");
    label.setAttribute("class", "callout");
    label.setAttribute("text-anchor", "middle");
    text.split("\n").forEach(function (line, k) {
      var span = document.createElementNS(SVG_NS, "tspan");
      span.setAttribute("x", x);
      span.setAttribute("y", y + 14 * k);
      span.textContent = line;
      label.appendChild(span);
    });
    callouts.appendChild(label);
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
    var flowing = Array.prototype.slice.call(callouts.childNodes);
    Object.keys(frame.e).forEach(function (id) { if (flows[id]) { flowing.push(flows[id].text); } });
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
  function write(view) {
    // the view's centre in the middle of the holder, at the scale that fits the view
    var width = holder.clientWidth, height = holder.clientHeight;
    var scale = Math.min(width / view.w, height / view.h);
    var tx = width / 2 - scale * (view.x + view.w / 2 - drawing.x);
    var ty = height / 2 - scale * (view.y + view.h / 2 - drawing.y);
    svg.style.transform = "translate(" + tx + "px, " + ty + "px) scale(" + scale + ")";
    svg.setAttribute("data-view", [view.x, view.y, view.w, view.h].map(Math.round).join(" "));
  }
  function setView(view, animate) {
    if (animation) { cancelAnimationFrame(animation); animation = 0; }
    if (!shown || !animate || reduceMotion) { shown = view; write(view); return; }
    var from = shown, start = null;
    function tick(now) {
      if (start === null) { start = now; }
      var t = Math.min(1, (now - start) / 350);
      var e = t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
      shown = {x: from.x + (view.x - from.x) * e, y: from.y + (view.y - from.y) * e,
               w: from.w + (view.w - from.w) * e, h: from.h + (view.h - from.h) * e};
      write(shown);
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
  function zoomAtCentre(factor) {
    var r = holder.getBoundingClientRect();
    zoomBy(factor, r.left + r.width / 2, r.top + r.height / 2);
  }
  holder.addEventListener("wheel", function (event) {
    if (!(event.ctrlKey || event.metaKey)) { return; }
    event.preventDefault();
    zoomBy(Math.exp(-event.deltaY * 0.002), event.clientX, event.clientY);
  }, {passive: false});

  // -- moving ----------------------------------------------------------------------------------
  function show(k, animate) {
    centreFlows();
    current = Math.max(0, Math.min(total - 1, k));
    for (var i = 0; i < sections.length; i++) { sections[i].hidden = i !== current; }
    counter.textContent = sections[current].getAttribute("data-counter");
    prev.disabled = current === 0;
    next.disabled = current === total - 1;
    apply(frames[current]);
    updateView(animate);
    document.body.setAttribute("data-frame", String(current));
    try { history.replaceState(null, "", "#" + current); } catch (error) { /* a sandboxed frame */ }
  }
  prev.addEventListener("click", function () { show(current - 1, true); });
  next.addEventListener("click", function () { show(current + 1, true); });
  overviewButton.addEventListener("click", toggleOverview);
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    if (key === "ArrowRight" || key === "PageDown" || key === " ") { show(current + 1, true); }
    else if (key === "ArrowLeft" || key === "PageUp") { show(current - 1, true); }
    else if (key === "Home") { show(0, true); }
    else if (key === "End") { show(total - 1, true); }
    else if (key === "o" || key === "O" || key === "z" || key === "Z") { toggleOverview(); }
    else if (key === "+" || key === "=") { zoomAtCentre(1.25); }
    else if (key === "-" || key === "_") { zoomAtCentre(0.8); }
    else { return; }
    event.preventDefault();
  });
  window.addEventListener("resize", function () { updateView(false); });
  if (window.ResizeObserver) {
    // a frame in a notebook may be laid out after the page ran: measure and place again then
    new ResizeObserver(function () {
      if (!holder.clientWidth) { return; }
      centreFlows();
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
