// Plays a training page: the plane with the points and the model's decision boundary, the loss and
// accuracy curves, the graph of a watched point and the table of weights, all at the step the reader
// picks.  Inlined into the page by viz/training/page.py; everything it draws is in the page's data:
// the graphs are the walk model's (laid out once by Graphviz, viz/walk), the numbers of every step
// were computed by chainrule while the network trained.  Nothing here computes a derivative.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("training-data").textContent);
  var frames = data.frames;
  var last = frames.length - 1;

  // -- numbers ---------------------------------------------------------------------------------
  function bytes(text) {
    var raw = atob(text), out = new Uint8Array(raw.length);
    for (var k = 0; k < raw.length; k++) { out[k] = raw.charCodeAt(k); }
    return out;
  }
  // The packed numbers (viz/training/table.py): base64 of zlib's deflate of bytes grouped by their
  // place in each item; unpacked by the browser's own DecompressionStream.
  function unpack(text, width) {
    var stream = new Blob([bytes(text)]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer().then(function (buffer) {
      var planes = new Uint8Array(buffer);
      if (width === 1) { return planes; }
      var n = planes.length / width, out = new Uint8Array(planes.length);
      for (var k = 0; k < width; k++) {
        for (var i = 0; i < n; i++) { out[width * i + k] = planes[k * n + i]; }
      }
      return out;
    });
  }
  var table = data.numbers;
  var count = table.frames;
  var columns = null;  // a DataView of the unpacked table, once unpacked
  var constants = table.constants;
  // one number of a series at step j: its column (little-endian float32, one column per series),
  // or the constant it always is
  function number(ref, j) { return ref >= 0 ? columns.getFloat32(4 * (ref * count + j), true) : constants[-1 - ref]; }
  var refs = table.refs;

  // The one formatter's rule (autograd_core.words.format_number): at most 4 significant digits,
  // rounded half to even on the exact value as Python does, no float noise, an exponent without
  // padding (1.235e5, -1e-5), "0" for -0, inf and nan as Python writes them.
  function formatNumber(x) {
    if (x === null || x === undefined) { return ""; }
    if (x !== x) { return "nan"; }
    if (x === Infinity) { return "inf"; }
    if (x === -Infinity) { return "-inf"; }
    if (x === 0) { return "0"; }
    var sign = x < 0 ? "-" : "", a = Math.abs(x);
    var text = a.toExponential(3);  // d.ddde±x, ties rounded up: fixed below to Python's half-even
    var exact = a.toExponential(20);
    if (/^\d\.\d{3}50*e/.test(exact) && (+exact.charAt(4)) % 2 === 0) {
      text = exact.slice(0, 5) + exact.slice(exact.indexOf("e"));  // the tie goes down to the even digit
    }
    var digits = text.charAt(0) + text.slice(2, 5);
    var exponent = parseInt(text.slice(text.indexOf("e") + 1), 10);
    var out;
    if (exponent < -4 || exponent >= 4) {
      var mantissa = digits.replace(/0+$/, "");
      out = mantissa.charAt(0) + (mantissa.length > 1 ? "." + mantissa.slice(1) : "") + "e" + exponent;
    } else if (exponent >= 0) {
      var whole = digits.slice(0, exponent + 1), part = digits.slice(exponent + 1).replace(/0+$/, "");
      out = whole + (part ? "." + part : "");
    } else {
      out = ("0." + new Array(-exponent).join("0") + digits).replace(/0+$/, "").replace(/\.$/, "");
    }
    return sign + out;
  }

  function el(name, attributes, parent, text) {
    var node = document.createElementNS(SVG, name);
    for (var key in attributes) { if (attributes[key] !== null) { node.setAttribute(key, attributes[key]); } }
    if (text !== undefined) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function setText(node, text) { if (node.textContent !== text) { node.textContent = text; } }

  var current = 0;
  var pointIndex = 0;
  var points = data.points;

  // -- the plane: the points, the model's output over the grid, its decision boundary -----------
  var plane = data.plane;
  var G = plane.grid, O = plane.outputs;
  var levels = null;  // the unpacked grid of the model's output
  var bounds = plane.bounds;
  var colours = plane.colours;
  var classes = plane.classes;
  var planeBox = document.getElementById("plane");
  var canvas = document.getElementById("surface");
  var marks = document.getElementById("marks");
  var off = document.createElement("canvas");
  off.width = G; off.height = G;
  var offContext = off.getContext("2d");
  var image = offContext.createImageData(G, G);
  var rgb = colours.map(function (c) { return [1, 3, 5].map(function (k) { return parseInt(c.slice(k, k + 2), 16); }); });
  function classOf(label) { return Math.max(0, classes.indexOf(label)); }
  function level(j, o, r, c) { return levels[((j * O + o) * G + r) * G + c]; }
  function side() { return planeBox.clientWidth; }
  function px(x) { return (x - bounds[0]) / (bounds[1] - bounds[0]) * side(); }
  function py(y) { return (1 - (y - bounds[2]) / (bounds[3] - bounds[2])) * side(); }
  // what decides the class at grid point (r, c): for one output its sign, for several the margin
  // of class k over the best other class (the boundary is where it crosses 0)
  function margin(j, k, r, c) {
    if (O === 1) { var s = level(j, 0, r, c); return k === 1 ? s : -s; }
    var own = level(j, k, r, c), best = -Infinity;
    for (var o = 0; o < O; o++) { if (o !== k) { best = Math.max(best, level(j, o, r, c)); } }
    return own - best;
  }
  function paintSurface(j) {
    var pixels = image.data;
    for (var r = 0; r < G; r++) {
      for (var c = 0; c < G; c++) {
        var at = 4 * ((G - 1 - r) * G + c);  // the grid's first row is the bottom of the plane
        var k, strength;
        if (level(j, 0, r, c) === -128) { pixels[at] = pixels[at + 1] = pixels[at + 2] = 200; pixels[at + 3] = 255; continue; }
        if (O === 1) { var s = level(j, 0, r, c); k = s > 0 ? 1 : 0; strength = Math.abs(s) / 127; }
        else {
          k = 0;
          for (var o = 1; o < O; o++) { if (level(j, o, r, c) > level(j, k, r, c)) { k = o; } }
          strength = Math.min(1, margin(j, k, r, c) / 127);
        }
        var mix = 0.12 + 0.33 * Math.sqrt(strength), colour = rgb[Math.min(k, rgb.length - 1)];
        for (var ch = 0; ch < 3; ch++) { pixels[at + ch] = Math.round(255 + (colour[ch] - 255) * mix); }
        pixels[at + 3] = 255;
      }
    }
    offContext.putImageData(image, 0, 0);
    var size = side(), ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(size * ratio)) { canvas.width = canvas.height = Math.round(size * ratio); }
    var context = canvas.getContext("2d");
    context.imageSmoothingEnabled = true;
    var cell = size * ratio / (G - 1);  // grid points sit on the plane's edges: the image reaches half a cell past them
    context.drawImage(off, -cell / 2, -cell / 2, size * ratio + cell, size * ratio + cell);
  }
  // the boundary: where a class's margin crosses 0, by marching squares with linear interpolation
  var field = null;
  function boundaryPath(j) {
    var parts = [], kinds = O === 1 ? [1] : classes.map(function (_, k) { return k; });
    var step = side() / (G - 1), size = side();
    field = field || new Float32Array(G * G);
    function round(v) { return Math.round(v * 10) / 10; }
    kinds.forEach(function (k) {
      for (var r = 0; r < G; r++) { for (var c = 0; c < G; c++) { field[r * G + c] = margin(j, k, r, c); } }
      for (r = 0; r < G - 1; r++) {
        for (c = 0; c < G - 1; c++) {
          var v0 = field[r * G + c], v1 = field[r * G + c + 1], v2 = field[(r + 1) * G + c + 1], v3 = field[(r + 1) * G + c];
          var inside = (v0 > 0) + (v1 > 0) + (v2 > 0) + (v3 > 0);
          if (inside === 0 || inside === 4) { continue; }
          var v = [v0, v1, v2, v3];
          var xs = [c, c + 1, c + 1, c], ys = [r, r, r + 1, r + 1];
          var crossing = [];
          for (var e = 0; e < 4; e++) {
            var a = v[e], b = v[(e + 1) % 4];
            if ((a > 0) !== (b > 0)) {
              var t = a / (a - b), f = (e + 1) % 4;
              crossing.push(round((xs[e] + t * (xs[f] - xs[e])) * step), round(size - (ys[e] + t * (ys[f] - ys[e])) * step));
            }
          }
          for (var m = 0; m + 3 < crossing.length; m += 4) {
            parts.push("M" + crossing[m] + " " + crossing[m + 1] + "L" + crossing[m + 2] + " " + crossing[m + 3]);
          }
        }
      }
    });
    return parts.join("");
  }
  function marker(shape, x, y, r, attributes, parent) {
    var d;
    if (shape === "triangle") { d = "M" + x + " " + (y - 1.2 * r) + "L" + (x + 1.1 * r) + " " + (y + 0.8 * r) + "L" + (x - 1.1 * r) + " " + (y + 0.8 * r) + "Z"; }
    else if (shape === "square") { d = "M" + (x - r) + " " + (y - r) + "h" + 2 * r + "v" + 2 * r + "h" + -2 * r + "Z"; }
    else if (shape === "diamond") { d = "M" + x + " " + (y - 1.3 * r) + "L" + (x + 1.3 * r) + " " + y + "L" + x + " " + (y + 1.3 * r) + "L" + (x - 1.3 * r) + " " + y + "Z"; }
    else { d = "M" + (x - r) + " " + y + "a" + r + " " + r + " 0 1 0 " + 2 * r + " 0a" + r + " " + r + " 0 1 0 " + -2 * r + " 0Z"; }
    attributes.d = d;
    return el("path", attributes, parent);
  }
  var boundary, watchedMarks = [];
  function drawMarks() {
    while (marks.firstChild) { marks.removeChild(marks.firstChild); }
    var size = side();
    marks.setAttribute("viewBox", "0 0 " + size + " " + size);
    boundary = el("path", {"class": "boundary", d: ""}, marks);
    plane.points.forEach(function (p, i) {
      var k = classOf(plane.labels[i]);
      marker(plane.markers[k % plane.markers.length], px(p[0]), py(p[1]), 4,
             {"class": "datum", fill: colours[k % colours.length]}, marks);
    });
    watchedMarks = points.map(function (point, n) {
      var g = el("g", {"class": "watched-mark", "data-point": n}, marks);
      var x = px(point.x[0]), y = py(point.x[1]);
      el("circle", {cx: x, cy: y, r: 9}, g);
      el("text", {x: x + 11, y: y - 8}, g, String(point.index));
      g.addEventListener("click", function () { selectPoint(n); });
      return g;
    });
  }
  var classList = document.getElementById("classes");
  classes.forEach(function (label, k) {
    var item = document.createElement("span");
    var icon = el("svg", {width: 14, height: 14, viewBox: "0 0 14 14", "aria-hidden": "true"}, item);
    marker(plane.markers[k % plane.markers.length], 7, 7, 4.5, {fill: colours[k % colours.length], "class": "datum"}, icon);
    item.appendChild(document.createTextNode(" class " + label));
    classList.appendChild(item);
  });
  var ring = document.createElement("span");
  ring.className = "ring";
  ring.textContent = "\u25ef watched point";
  classList.appendChild(ring);

  // -- the curves: loss and accuracy over the steps, the current step marked ---------------------
  var curves = document.getElementById("curves");
  var loss = data.loss, accuracy = data.accuracy;
  var curveParts = {};
  var PAD = {left: 44, right: 44, top: 12, bottom: 22};
  function finite(values) { return values.filter(function (v) { return v !== null && isFinite(v); }); }
  var topLoss = Math.max.apply(null, [1e-12].concat(finite(loss)));
  function drawCurves() {
    while (curves.firstChild) { curves.removeChild(curves.firstChild); }
    var w = curves.clientWidth, h = curves.clientHeight;
    curves.setAttribute("viewBox", "0 0 " + w + " " + h);
    var x0 = PAD.left, x1 = w - PAD.right, y0 = h - PAD.bottom, y1 = PAD.top;
    function cx(j) { return x0 + (last ? j / last : 0.5) * (x1 - x0); }
    el("rect", {x: x0, y: y1, width: x1 - x0, height: y0 - y1, "class": "frame"}, curves);
    function line(values, scale, cls) {
      var d = "";
      values.forEach(function (v, j) {
        if (v === null || !isFinite(v)) { return; }
        d += (d ? "L" : "M") + cx(j).toFixed(1) + " " + (y0 - scale(v) * (y0 - y1)).toFixed(1);
      });
      return el("path", {d: d, "class": cls}, curves);
    }
    line(loss, function (v) { return Math.max(0, v) / topLoss; }, "loss-line");
    line(accuracy, function (v) { return v; }, "accuracy-line");
    el("text", {x: x0 - 4, y: y1 + 9, "class": "axis loss-axis", "text-anchor": "end"}, curves, formatNumber(topLoss));
    el("text", {x: x0 - 4, y: y0, "class": "axis loss-axis", "text-anchor": "end"}, curves, "0");
    el("text", {x: x1 + 4, y: y1 + 9, "class": "axis accuracy-axis"}, curves, "100%");
    el("text", {x: x1 + 4, y: y0, "class": "axis accuracy-axis"}, curves, "0%");
    el("text", {x: x0, y: h - 6, "class": "axis"}, curves, "step 1");
    el("text", {x: x1, y: h - 6, "class": "axis", "text-anchor": "end"}, curves, "step " + frames.length);
    curveParts.marker = el("line", {y1: y1, y2: y0, "class": "now"}, curves);
    curveParts.lossDot = el("circle", {r: 3.5, "class": "loss-dot"}, curves);
    curveParts.accuracyDot = el("circle", {r: 3.5, "class": "accuracy-dot"}, curves);
    curveParts.lossText = el("text", {y: y1 + 10, "class": "loss-text"}, curves);
    curveParts.accuracyText = el("text", {y: y1 + 22, "class": "accuracy-text"}, curves);
    curveParts.place = function (j) {
      var x = cx(j);
      curveParts.marker.setAttribute("x1", x); curveParts.marker.setAttribute("x2", x);
      var l = loss[j];
      curveParts.lossDot.style.display = l === null ? "none" : "";
      if (l !== null) { curveParts.lossDot.setAttribute("cx", x); curveParts.lossDot.setAttribute("cy", y0 - Math.max(0, l) / topLoss * (y0 - y1)); }
      curveParts.accuracyDot.setAttribute("cx", x);
      curveParts.accuracyDot.setAttribute("cy", y0 - accuracy[j] * (y0 - y1));
      var right = x > (x0 + x1) / 2, anchor = right ? "end" : "start", tx = right ? x - 6 : x + 6;
      [curveParts.lossText, curveParts.accuracyText].forEach(function (t) { t.setAttribute("x", tx); t.setAttribute("text-anchor", anchor); });
      setText(curveParts.lossText, "loss " + (l === null ? "not a number" : formatNumber(l)));
      setText(curveParts.accuracyText, "accuracy " + Math.round(100 * accuracy[j]) + "%");
    };
    curveParts.stepAt = function (clientX) {
      var r = curves.getBoundingClientRect();
      return Math.round((clientX - r.left - x0) / Math.max(1, x1 - x0) * last);
    };
  }
  var scrubbing = false;
  curves.addEventListener("pointerdown", function (event) {
    scrubbing = true;
    if (curves.setPointerCapture) { curves.setPointerCapture(event.pointerId); }
    pause(); show(curveParts.stepAt(event.clientX));
  });
  curves.addEventListener("pointermove", function (event) { if (scrubbing) { show(curveParts.stepAt(event.clientX)); } });
  curves.addEventListener("pointerup", function () { scrubbing = false; });

  // -- the graph of the watched point: the walk's drawing, one per graph shape ---------------------
  var holder = document.getElementById("diagram");
  var about = document.getElementById("about");
  var drawings = [];
  var LOOK = {d: "done", n: "no-grad", k: "constant"};
  var LINE = 14.4;  // Graphviz's line height for 12 pt labels
  function spline(points, Y) {
    // points: the arrow's tip, then the B-spline's control points (Graphviz's "pos")
    var d = "M" + points[2] + " " + Y(points[3]);
    for (var k = 4; k + 5 < points.length + 0; k += 6) {
      d += "C" + points[k] + " " + Y(points[k + 1]) + " " + points[k + 2] + " " + Y(points[k + 3]) + " " + points[k + 4] + " " + Y(points[k + 5]);
    }
    return d;
  }
  function arrow(points, Y) {
    var tx = points[0], ty = Y(points[1]), n = points.length;
    var fx = points[n - 2], fy = Y(points[n - 1]);
    var dx = tx - fx, dy = ty - fy, length = Math.sqrt(dx * dx + dy * dy) || 1;
    var ux = dx / length, uy = dy / length, half = 3;
    return "M" + tx.toFixed(1) + " " + ty.toFixed(1) + "L" + (fx - uy * half).toFixed(1) + " " + (fy + ux * half).toFixed(1) +
           "L" + (fx + uy * half).toFixed(1) + " " + (fy - ux * half).toFixed(1) + "Z";
  }
  function roundedBox(x, y, w, h, r) {
    return "M" + (x + r) + " " + y + "h" + (w - 2 * r) + "a" + r + " " + r + " 0 0 1 " + r + " " + r + "v" + (h - 2 * r) +
           "a" + r + " " + r + " 0 0 1 " + -r + " " + r + "h" + (2 * r - w) + "a" + r + " " + r + " 0 0 1 " + -r + " " + -r +
           "v" + (2 * r - h) + "a" + r + " " + r + " 0 0 1 " + r + " " + -r + "Z";
  }
  function build(g) {
    var d = data.graphs[g];
    var bb = d.bb, W = bb[2] - bb[0] + 20, H = bb[3] - bb[1] + 20;
    function X(x) { return Math.round((x - bb[0] + 10) * 10) / 10; }
    function Y(y) { return Math.round((bb[3] - y + 10) * 10) / 10; }
    var svg = el("svg", {"class": "walk", viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img"});
    svg.style.width = W + "px"; svg.style.height = H + "px";
    var layerClusters = el("g", {}, svg), layerEdges = el("g", {}, svg), layerNodes = el("g", {}, svg), layerFolds = el("g", {}, svg);
    var scopes = d.scopes;
    var foldsOf = d.nodes.map(function () { return []; });
    d.folds.forEach(function (fold, n) { fold[2].forEach(function (m) { foldsOf[m].push(n); }); });
    function inside(scope) {
      // the folds a scope's cluster lies in: its own and its ancestors'
      var out = [];
      d.folds.forEach(function (fold, n) {
        var s = scopes[fold[0]];
        if (scope === s || scope.indexOf(s + "/") === 0) { out.push(n); }
      });
      return out;
    }
    function classes(list) { return list.map(function (n) { return " in-f" + n; }).join(""); }
    var unit = function (points) { return points.map(function (v, k) { return k % 2 ? v : X(v); }); };
    d.clusters.forEach(function (cluster) {
      var scope = scopes[cluster[0]], box = cluster[1];
      var group = el("g", {"class": "cluster" + classes(inside(scope))}, layerClusters);
      el("path", {d: roundedBox(X(box[0]), Y(box[3]), box[2] - box[0], box[3] - box[1], 6)}, group);
      if (cluster[2]) {
        var foldHere = -1;
        d.folds.forEach(function (fold, n) { if (scopes[fold[0]] === scope) { foldHere = n; } });
        var label = el("text", {x: X(cluster[2][0]), y: Y(cluster[2][1]) + 4, "class": "scope-name" + (foldHere >= 0 ? " folds" : "")},
                       group, scope.split("/").pop() + (foldHere >= 0 ? " \u25be" : ""));
        if (foldHere >= 0) {
          label.addEventListener("click", function (event) { event.stopPropagation(); setFold(foldHere, true); });
          el("title", {}, label, "fold " + scope + " into one box");
        }
      }
    });
    var nodeParts = d.nodes.map(function (node, i) {
      var look = LOOK[node[5]] || "done";
      var part = {texts: {}, folds: foldsOf[i], box: null, stamp: null};
      var group = el("g", {"class": "node s-" + look + classes(foldsOf[i]), "data-node": i}, layerNodes);
      var box = node[6];
      if (box) {
        var bx = X(box[0] - box[2] / 2), by = Y(box[1] + box[3] / 2);
        part.box = [bx, by, bx + box[2], by + box[3]];
        if (node[0] === "c") {
          el("path", {d: roundedBox(bx, by, box[2], box[3], 3)}, group);
          part.texts.value = el("text", {x: X(box[0]), y: Y(box[1]) + 3.5, "class": "t constant"}, group);
        } else {
          el("path", {d: roundedBox(bx, by, box[2], box[3], 5)}, group);
          var lines = node[8] ? 3 : 2, top = Y(box[1]) - lines * LINE / 2 + 0.78 * LINE;
          el("text", {x: X(box[0]), y: top, "class": "t title" + (node[2] ? " named" : " caption")}, group, node[1]);
          part.texts.value = el("text", {x: X(box[0]), y: top + LINE, "class": "t"}, group);
          if (node[8]) { part.texts.grad = el("text", {x: X(box[0]), y: top + 2 * LINE, "class": "gr"}, group); }
        }
      }
      part.group = group;
      var circle = node[7];
      if (circle) {
        var opGroup = el("g", {"class": "node s-" + look + classes(foldsOf[i])}, layerNodes);
        if (node[3].length > 4) {
          el("path", {d: roundedBox(X(circle[0] - circle[2] / 2), Y(circle[1] + circle[3] / 2), circle[2], circle[3], 4)}, opGroup);
        } else {
          el("ellipse", {cx: X(circle[0]), cy: Y(circle[1]), rx: circle[2] / 2, ry: circle[3] / 2}, opGroup);
        }
        el("text", {x: X(circle[0]), y: Y(circle[1]) + (node[3].length <= 2 ? 5.5 : 4), "class": "t symbol" + (node[3].length <= 2 ? " big" : "")},
           opGroup, node[3]);
        el("title", {}, opGroup, node[3]);
        part.op = opGroup;
      }
      return part;
    });
    var edgeParts = d.edges.map(function (edge) {
      var target = edge[0], source = edge[2];
      var within = foldsOf[target].filter(function (n) { return foldsOf[source].indexOf(n) >= 0; });
      var look = LOOK[d.nodes[target][5]] || "done";
      var group = el("g", {"class": "edge s-" + look + classes(within)}, layerEdges);
      var points = unit(edge[3]);
      el("path", {d: spline(points, Y)}, group);
      el("polygon", {points: arrow(points, Y).replace(/[MLZ]/g, " ").trim()}, group);
      var part = {target: target, input: edge[1], folds: within, text: null, spot: null, stamp: null};
      if (edge[4] && edge[5]) {
        part.spot = [X(edge[4][0]), Y(edge[4][1])];
        part.text = el("text", {x: part.spot[0], y: part.spot[1] + 3.5, "class": "loc"}, group);
      }
      return part;
    });
    d.results.forEach(function (result) {
      var i = result[0], look = LOOK[d.nodes[i][5]] || "done";
      var group = el("g", {"class": "edge s-" + look + classes(foldsOf[i])}, layerEdges);
      var points = unit(result[1]);
      el("path", {d: spline(points, Y)}, group);
      el("polygon", {points: arrow(points, Y).replace(/[MLZ]/g, " ").trim()}, group);
    });
    var foldParts = d.folds.map(function (fold, n) {
      var scope = scopes[fold[0]], box = fold[1];
      var ancestors = inside(scope).filter(function (m) { return m !== n; });
      var group = el("g", {"class": "fold" + classes(ancestors), id: "gf" + n, "data-scope": scope}, layerFolds);
      el("path", {d: roundedBox(X(box[0]), Y(box[3]), box[2] - box[0], box[3] - box[1], 8)}, group);
      el("title", {}, group, scope + ": click to open");
      // four lines: the name, the size, what leaves the scope and its gradient; centred in a
      // box of about their width, or, in a long strip, at its output end (where the values leave).
      // Seen from afar, one line instead: the name and what leaves, as large as the box allows.
      var nameSize = fold[6], size = fold[7], lineHeight = 1.25 * size;
      var height = 1.25 * nameSize + 3 * lineHeight;
      var baseline = (Y(box[3]) + Y(box[1])) / 2 - height / 2 + nameSize;
      var wide = Math.max(fold[4].length * 0.6 * nameSize, 30 * 0.6 * size) / 2 + size;
      var cx = X(Math.max((box[0] + box[2]) / 2, box[2] - wide));
      var big = "font-size: " + nameSize + "px", small = "font-size: " + size + "px";
      var full = el("g", {}, group);
      var middle = [cx, baseline - nameSize + height / 2];
      el("text", {x: cx, y: baseline, "class": "fold-name", style: big}, full, fold[4]);
      el("text", {x: cx, y: baseline + lineHeight, "class": "fold-size", style: small}, full, fold[5]);
      var lines = [el("text", {x: cx, y: baseline + 2 * lineHeight, style: small}, full, ""),
                   el("text", {x: cx, y: baseline + 3 * lineHeight, style: small, "class": "gr"}, full, "")];
      var far = el("text", {x: X(box[2]) - 8, y: (Y(box[3]) + Y(box[1])) / 2, "class": "fold-far"}, group, "");
      group.addEventListener("click", function (event) {
        if (moved) { return; }
        event.stopPropagation(); setFold(n, false); zoomTo(n);
      });
      return {group: group, lines: lines, leaving: fold[3], members: fold[2], box: box, full: full, far: far,
              name: fold[4], size: size, scope: scope, middle: middle};
    });
    // a fold shut hides its parts; a fold inside a shut fold hides its own box too
    var rules = [];
    d.folds.forEach(function (fold, n) {
      rules.push("#diagram svg.shut-" + n + " .in-f" + n + " { visibility: hidden; }");
      rules.push("#diagram svg.shut-" + n + " #gf" + n + " { visibility: visible; }");
    });
    foldParts.forEach(function (part, n) {
      inside(scopes[d.folds[n][0]]).forEach(function (m) {
        if (m !== n) { rules.push("#diagram svg.shut-" + m + " #gf" + n + " { visibility: hidden; }"); }
      });
    });
    var style = document.createElement("style");
    style.textContent = rules.join("\n");
    document.head.appendChild(style);
    var drawn = {svg: svg, data: d, nodes: nodeParts, edges: edgeParts, folds: foldParts, shut: {},
                 width: W, height: H, X: X, Y: Y, written: -1, point: -1};
    d.shut.forEach(function (n) { drawn.shut[n] = true; svg.classList.add("shut-" + n); });
    return drawn;
  }
  function drawingOf(n) {
    var g = points[n].graph;
    if (!drawings[g]) { drawings[g] = build(g); }
    return drawings[g];
  }
  var shown = null;  // the drawing in the holder
  function hiddenByFolds(drawn, folds) {
    for (var k = 0; k < folds.length; k++) { if (drawn.shut[folds[k]]) { return true; } }
    return false;
  }
  function borderLine(word, nodes, at) {
    // the values (or gradients) leaving a folded scope: listed when one or two, else their norm
    if (nodes.length <= 2) { return word + " " + nodes.map(function (i) { return formatNumber(at(i)); }).join("  "); }
    var sum = 0;
    nodes.forEach(function (i) { var v = at(i); sum += v * v; });
    return word + " \u2016\u00b7\u2016 " + formatNumber(Math.sqrt(sum)) + " (" + nodes.length + " values)";
  }
  // Texts are written where they can be read: in the view (a margin around it), at a scale at which
  // a 12 px line is at least TEXT_SCALE * 12 px tall; a node scrolled into view later gets its texts
  // then.  So a step costs the same for a folded network and for a thousand open nodes.
  var TEXT_SCALE = 0.15;
  function writeGraph(drawn) {
    var point = points[pointIndex], n = point.index, j = current, stamp = j + "/" + pointIndex;
    var values = refs["p" + pointIndex + "v"], grads = refs["p" + pointIndex + "g"], locals = refs["p" + pointIndex + "l"];
    var edgeAt = drawn.edgeAt;
    if (!edgeAt) {
      edgeAt = drawn.edgeAt = {};
      point.edges.forEach(function (e, k) { edgeAt[e[0] + "." + e[1]] = k; });
    }
    var view = drawn.view, scale = view.scale, w = holder.clientWidth, h = holder.clientHeight;
    var x0 = -view.x / scale - 60, y0 = -view.y / scale - 60, x1 = (w - view.x) / scale + 60, y1 = (h - view.y) / scale + 60;
    var small = scale < TEXT_SCALE;
    drawn.svg.classList.toggle("tiny", small);
    if (!small) {
      drawn.nodes.forEach(function (part, i) {
        var b = part.box;
        if (part.stamp === stamp || !b || b[2] < x0 || b[0] > x1 || b[3] < y0 || b[1] > y1 ||
            hiddenByFolds(drawn, part.folds)) { return; }
        part.stamp = stamp;
        if (part.texts.value) { setText(part.texts.value, formatNumber(number(values[i], j))); }
        if (part.texts.grad) { setText(part.texts.grad, "grad " + formatNumber(number(grads[i], j))); }
      });
      drawn.edges.forEach(function (part) {
        var spot = part.spot;
        if (!part.text || part.stamp === stamp || spot[0] < x0 || spot[0] > x1 || spot[1] < y0 || spot[1] > y1 ||
            hiddenByFolds(drawn, part.folds)) { return; }
        part.stamp = stamp;
        setText(part.text, "local " + formatNumber(number(locals[edgeAt[part.target + "." + part.input]], j)));
      });
    }
    drawn.folds.forEach(function (fold, k) {
      if (!drawn.shut[k] || fold.stamp === stamp) { return; }
      fold.stamp = stamp;
      var value = function (i) { return number(values[i], j); }, grad = function (i) { return number(grads[i], j); };
      setText(fold.lines[0], borderLine("out", fold.leaving, value));
      setText(fold.lines[1], borderLine("grad", fold.leaving, grad));
      fold.farText = fold.name + ": " + borderLine("out", fold.leaving, value);
      setText(fold.far, fold.farValues === false ? fold.name : fold.farText);
    });
    var lossNode = drawn.nodes.length - 1;
    setText(about, "Point " + n + " (class " + plane.labels[n] + "): its own " + data.loss_name + " loss " +
            formatNumber(number(values[lossNode], j)) + " at this step, backpropagated alone (grad 1 at the loss)");
  }
  var writing = 0;
  function writeSoon() {
    // after the view moved: the texts that came into view, once per animation frame
    if (!writing) { writing = requestAnimationFrame(function () { writing = 0; if (shown) { writeGraph(shown); } }); }
  }
  function showGraph() {
    var drawn = drawingOf(pointIndex);
    if (shown !== drawn) {
      if (shown) { holder.removeChild(shown.svg); }
      holder.appendChild(drawn.svg);
      shown = drawn;
      if (!drawn.view) { fit(); } else { paint(drawn.view); }
    }
    writeGraph(drawn);
  }
  function setFold(n, shut) {
    var drawn = shown;
    if (!!drawn.shut[n] === shut) { return; }
    if (shut) { drawn.shut[n] = true; } else { delete drawn.shut[n]; }
    drawn.svg.classList.toggle("shut-" + n, shut);
    writeSoon();
  }
  function setFolds(test) {
    var drawn = shown, d = drawn.data;
    d.folds.forEach(function (fold, n) {
      var shut = test(d.scopes[fold[0]]);
      if (shut) { drawn.shut[n] = true; } else { delete drawn.shut[n]; }
      drawn.svg.classList.toggle("shut-" + n, shut);
    });
    writeSoon();
  }

  // -- looking around the graph: fit, drag to pan, wheel or +/- to zoom, a fold zooms in when opened
  var LEAST_PX = 9;  // a fold's lines are drawn only where they are at least this tall on screen
  var MOST_PX = 16;
  function letterFolds(drawn, scale) {
    // each folded box in full when its lines are readable at this scale, else in one line sized to
    // the box (and at least LEAST_PX tall on screen), else with no text
    if (drawn.letteredAt === scale) { return; }
    drawn.letteredAt = scale;
    drawn.folds.forEach(function (fold) {
      var box = fold.box, fullOk = fold.size * scale >= LEAST_PX;
      fold.full.style.display = fullOk ? "" : "none";
      // close up, the lines are held to MOST_PX (a fold beside the node being read would otherwise
      // show a few giant strokes of its name)
      var shrink = Math.min(1, MOST_PX / (fold.size * scale)), m = fold.middle;
      fold.full.setAttribute("transform", shrink < 1 ? "translate(" + m[0] + " " + m[1] + ") scale(" + shrink.toFixed(3) +
                             ") translate(" + -m[0] + " " + -m[1] + ")" : "");
      // the line "name: out ..." if it fits, else the name alone, else nothing
      var lines = [[fold.name.length + (fold.leaving.length > 2 ? 34 : 18), true], [fold.name.length, false]];
      var chosen = null;
      for (var k = 0; k < lines.length && !fullOk; k++) {
        var chars = Math.max(lines[k][0], 6);
        var fits = Math.min(0.7 * (box[3] - box[1]), 0.95 * (box[2] - box[0]) / (0.6 * chars));
        var size = Math.min(Math.max(fits, LEAST_PX / scale), 2.5 * MOST_PX / scale);
        if (size <= 1.6 * (box[3] - box[1]) && size * 0.6 * chars <= box[2] - box[0]) { chosen = [size, lines[k][1]]; break; }
      }
      fold.far.style.display = chosen ? "" : "none";
      if (chosen) {
        fold.far.style.fontSize = chosen[0] + "px";
        fold.far.setAttribute("dy", (0.35 * chosen[0]).toFixed(1));
        fold.farValues = chosen[1];
        setText(fold.far, chosen[1] ? fold.farText || fold.name : fold.name);
      }
    });
  }
  function paint(view) {
    var drawn = shown;
    drawn.view = view;
    letterFolds(drawn, view.scale);
    drawn.svg.style.transform = "translate(" + view.x + "px, " + view.y + "px) scale(" + view.scale + ")";
    writeSoon();
  }
  function fit() {
    var drawn = shown, w = holder.clientWidth, h = holder.clientHeight;
    var scale = Math.min((w - 16) / drawn.width, (h - 16) / drawn.height, 1.4);
    paint({scale: scale, x: (w - scale * drawn.width) / 2, y: (h - scale * drawn.height) / 2});
  }
  var READABLE = 0.8;  // the least scale at which a node's 12 px text stays readable (about 10 px)
  function zoomTo(n) {
    // an opened scope: all of it if it fits readable, or if it holds folded boxes to choose from;
    // else its output (a neuron's activation) at the view's right side, readable
    var drawn = shown, fold = drawn.folds[n], box = fold.box, w = holder.clientWidth, h = holder.clientHeight;
    var scale = Math.min((w - 24) / (box[2] - box[0]), (h - 24) / (box[3] - box[1]), 1.2);
    var cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
    var holdsFolds = drawn.folds.some(function (other, m) {
      return drawn.shut[m] && other.scope.indexOf(fold.scope + "/") === 0;
    });
    if (scale < READABLE && !holdsFolds && fold.leaving.length === 1) {
      scale = READABLE;
      var out = drawn.data.nodes[fold.leaving[0]][6];
      cx = out[0] + out[2] / 2 - (w / 2 - 40) / scale;
      cy = out[1];
    }
    paint({scale: scale, x: w / 2 - scale * drawn.X(cx), y: h / 2 - scale * drawn.Y(cy)});
  }
  function zoomBy(factor, clientX, clientY) {
    var drawn = shown, view = drawn.view, r = holder.getBoundingClientRect();
    var scale = Math.min(Math.max(view.scale * factor, 0.01), 4);
    var ox = clientX - r.left, oy = clientY - r.top;
    paint({scale: scale, x: ox - (ox - view.x) * scale / view.scale, y: oy - (oy - view.y) * scale / view.scale});
  }
  var drag = null, moved = false;
  holder.addEventListener("pointerdown", function (event) {
    if (event.button !== 0 || !shown) { return; }
    drag = {x: event.clientX, y: event.clientY, view: shown.view};
    moved = false;
  });
  holder.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
    moved = true;
    holder.classList.add("dragging");
    paint({scale: drag.view.scale, x: drag.view.x + dx, y: drag.view.y + dy});
  });
  function endDrag() { drag = null; holder.classList.remove("dragging"); }
  holder.addEventListener("pointerup", endDrag);
  holder.addEventListener("pointercancel", endDrag);
  holder.addEventListener("wheel", function (event) {
    event.preventDefault();
    zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX, event.clientY);
  }, {passive: false});
  document.getElementById("fit").addEventListener("click", function (event) { event.currentTarget.blur(); fit(); });
  document.getElementById("fold-neurons").addEventListener("click", function (event) {
    event.currentTarget.blur(); setFolds(function (scope) { return scope.indexOf("/") >= 0; }); fit();
  });
  document.getElementById("fold-layers").addEventListener("click", function (event) {
    event.currentTarget.blur(); setFolds(function () { return true; }); fit();  // and their neurons inside
  });
  document.getElementById("open-all").addEventListener("click", function (event) {
    event.currentTarget.blur(); setFolds(function () { return false; });
  });

  // -- the weights: value, gradient and update at this step, sortable ----------------------------
  // Only the rows in sight exist: a pool of row elements is filled with the weights that the
  // table's scroll position shows, so a step costs the same for 30 weights or 3,000.
  var names = data.params;
  var tableBox = document.getElementById("table");
  var rowsBox = tableBox.querySelector(".rows");
  var heads = tableBox.querySelectorAll("[role=columnheader]");
  var ROW = 20;
  var KEYS = ["value", "grad", "update"];
  var blocks = {value: "weights", grad: "gradients", update: "updates"};
  rowsBox.style.height = names.length * ROW + "px";
  var pool = [];
  function makeRow() {
    var row = document.createElement("div");
    row.className = "row"; row.setAttribute("role", "row");
    var name = document.createElement("span"); name.setAttribute("role", "rowheader"); row.appendChild(name);
    var cells = {};
    KEYS.forEach(function (key) {
      var cell = document.createElement("span"); cell.setAttribute("role", "cell");
      var bar = document.createElement("span"); bar.className = "bar";
      var fill = document.createElement("i"); bar.appendChild(fill);
      var text = document.createElement("span"); text.className = "num";
      cell.appendChild(bar); cell.appendChild(text); row.appendChild(cell);
      cells[key] = {fill: fill, text: text};
    });
    row.addEventListener("click", function () { if (row.weight !== undefined) { pickWeight(row.weight); } });
    rowsBox.appendChild(row);
    return {row: row, name: name, cells: cells};
  }
  var sortKey = "grad", sortDown = true;
  var now = {value: new Float64Array(names.length), grad: new Float64Array(names.length),
             update: new Float64Array(names.length)};
  var most = {value: 0, grad: 0, update: 0};
  var order = names.map(function (_, p) { return p; });
  var pickedWeight = -1;
  function readTable() {
    var j = current;
    KEYS.forEach(function (key) {
      var values = now[key], ref = refs[blocks[key]], top = 0;
      for (var p = 0; p < names.length; p++) {
        var v = number(ref[p], j);
        values[p] = v;
        if (v === v && Math.abs(v) > top) { top = Math.abs(v); }
      }
      most[key] = top;
    });
    var key = sortKey, sign = sortDown ? -1 : 1;
    if (key === "name") { order.sort(function (a, b) { return sign * (a - b); }); return; }
    var size = now[key];
    order.sort(function (a, b) {
      var x = Math.abs(size[a]), y = Math.abs(size[b]);
      x = x === x ? x : -1; y = y === y ? y : -1;
      return x === y ? a - b : sign * (x - y);
    });
  }
  function fillRows() {
    var first = Math.max(0, Math.floor(tableBox.scrollTop / ROW) - 2);
    var count = Math.min(names.length - first, Math.ceil(tableBox.clientHeight / ROW) + 5);
    while (pool.length < count) { pool.push(makeRow()); }
    pool.forEach(function (slot, k) {
      var at = first + k;
      if (k >= count) { restyle(slot.row, "display", "none"); slot.row.weight = undefined; return; }
      var p = order[at];
      restyle(slot.row, "display", "");
      restyle(slot.row, "transform", "translateY(" + at * ROW + "px)");
      slot.row.weight = p;
      slot.row.classList.toggle("picked", p === pickedWeight);
      setText(slot.name, names[p]);
      KEYS.forEach(function (key) {
        var v = now[key][p], cell = slot.cells[key], known = v === v;
        var glyph = !known ? "" : key === "update" ? (v > 0 ? "\u25b2 " : v < 0 ? "\u25bc " : "\u00b7 ") : "";
        setText(cell.text, known ? glyph + formatNumber(v) : "\u2014");
        var width = known && most[key] ? Math.min(50, Math.round(500 * Math.abs(v) / most[key]) / 10) : 0;
        restyle(cell.fill, "width", width + "%");
        restyle(cell.fill, "left", v < 0 ? (50 - width) + "%" : "50%");
        if (cell.fill.className !== (v < 0 ? "neg" : "pos")) { cell.fill.className = v < 0 ? "neg" : "pos"; }
      });
    });
  }
  function restyle(element, property, value) {
    // an inline style written only when it changes: a step touches only what moved
    var memo = element.memo || (element.memo = {});
    if (memo[property] !== value) { memo[property] = value; element.style[property] = value; }
  }
  function writeTable() { readTable(); fillRows(); }
  tableBox.addEventListener("scroll", fillRows);
  function markSort() {
    heads.forEach(function (head) {
      head.setAttribute("aria-sort", head.getAttribute("data-key") === sortKey ? (sortDown ? "descending" : "ascending") : "none");
    });
  }
  heads.forEach(function (head) {
    head.addEventListener("click", function () {
      var key = head.getAttribute("data-key");
      if (key === sortKey) { sortDown = !sortDown; } else { sortKey = key; sortDown = key !== "name"; }
      markSort();
      writeTable();
    });
    head.title = "sort by " + (head.getAttribute("data-key") === "name" ? "the model's order" : "size (|x|)");
  });
  markSort();
  var picked = null;
  function pickWeight(p) {
    // the weight's node in the watched graph: opened, centred and outlined
    pickedWeight = p;
    fillRows();
    var drawn = shown, node = points[pointIndex].params.indexOf(p);
    if (picked) { picked.classList.remove("picked"); picked = null; }
    if (node < 0) { return; }
    var part = drawn.nodes[node];
    part.folds.forEach(function (n) { setFold(n, false); });
    picked = part.group; picked.classList.add("picked");
    var box = drawn.data.nodes[node][6], scale = Math.max(drawn.view.scale, 0.9);
    var w = holder.clientWidth, h = holder.clientHeight;
    paint({scale: scale, x: w / 2 - scale * drawn.X(box[0]), y: h / 2 - scale * drawn.Y(box[1])});
  }

  // -- the watched points ------------------------------------------------------------------------
  var chooser = document.getElementById("watched");
  var choices = points.map(function (point, n) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = point.index + " (class " + plane.labels[point.index] + ")";
    button.addEventListener("click", function () { button.blur(); selectPoint(n); });
    chooser.appendChild(button);
    return button;
  });
  function selectPoint(n) {
    pointIndex = Math.max(0, Math.min(points.length - 1, n));
    choices.forEach(function (button, k) { button.setAttribute("aria-pressed", k === pointIndex ? "true" : "false"); });
    watchedMarks.forEach(function (g, k) { g.classList.toggle("chosen", k === pointIndex); });
    showGraph();
    document.body.setAttribute("data-point", String(points[pointIndex].index));
  }

  // -- moving through the steps ------------------------------------------------------------------
  var counter = document.getElementById("counter");
  var scrub = document.getElementById("scrub");
  var playButton = document.getElementById("play");
  var timing = {last: 0, most: 0, count: 0};
  var hashing = 0;
  function show(j) {
    var started = performance.now();
    current = Math.max(0, Math.min(last, j | 0));
    setText(counter, frames[current][0]);
    counter.title = frames[current][1];
    scrub.value = String(current);
    paintSurface(current);
    boundary.setAttribute("d", boundaryPath(current));
    curveParts.place(current);
    showGraph();
    writeTable();
    document.body.setAttribute("data-step", String(current));
    clearTimeout(hashing);  // the address says the step (a link to it), once the reader stops moving
    hashing = setTimeout(function () {
      try { history.replaceState(null, "", "#" + (current + 1)); } catch (error) { /* a sandboxed frame */ }
    }, 300);
    timing.last = performance.now() - started;
    timing.most = Math.max(timing.most, timing.last);
    timing.count += 1;
  }
  var playing = 0;
  function pause() {
    if (playing) { clearInterval(playing); playing = 0; }
    playButton.setAttribute("aria-pressed", "false");
    playButton.textContent = "\u25b6 Play";
  }
  function play() {
    if (current >= last) { show(0); }
    playButton.setAttribute("aria-pressed", "true");
    playButton.textContent = "\u23f8 Pause";
    playing = setInterval(function () { if (current >= last) { pause(); } else { show(current + 1); } }, 120);
  }
  function toggle() { if (playing) { pause(); } else { play(); } }
  function button(id, action) {
    document.getElementById(id).addEventListener("click", function (event) { event.currentTarget.blur(); action(); });
  }
  button("play", toggle);
  button("prev", function () { pause(); show(current - 1); });
  button("next", function () { pause(); show(current + 1); });
  button("first", function () { pause(); show(0); });
  button("last", function () { pause(); show(last); });
  scrub.addEventListener("input", function () { pause(); show(parseInt(scrub.value, 10)); });
  document.addEventListener("keydown", function (event) {
    var key = event.key;
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.target === scrub && (key === "ArrowRight" || key === "ArrowLeft" || key === "ArrowUp" || key === "ArrowDown")) {
      pause();
      return;  // the slider steps itself
    }
    if (key === "ArrowRight") { pause(); show(current + 1); }
    else if (key === "ArrowLeft") { pause(); show(current - 1); }
    else if (key === " " || key === "Spacebar") { toggle(); }
    else if (key === "Home") { pause(); show(0); }
    else if (key === "End") { pause(); show(last); }
    else if (key === "+" || key === "=") { var r = holder.getBoundingClientRect(); zoomBy(1.25, r.left + r.width / 2, r.top + r.height / 2); }
    else if (key === "-" || key === "_") { var q = holder.getBoundingClientRect(); zoomBy(0.8, q.left + q.width / 2, q.top + q.height / 2); }
    else { return; }
    event.preventDefault();
  });
  function relayout() {
    drawMarks();
    drawCurves();
    selectPoint(pointIndex);
    show(current);
  }
  function begin(parts) {
    columns = new DataView(parts[0].buffer);
    levels = new Int8Array(parts[1].buffer);
    window.addEventListener("resize", relayout);
    var start = parseInt((location.hash || "#1").slice(1), 10);  // page.html#37 opens at step 37
    current = isNaN(start) ? 0 : Math.max(0, Math.min(last, start - 1));
    relayout();
    if (window.ResizeObserver) {
      // a frame in a notebook may be laid out after the page ran: measure and draw again then
      var width = planeBox.clientWidth;
      new ResizeObserver(function () {
        if (planeBox.clientWidth && planeBox.clientWidth !== width) { width = planeBox.clientWidth; relayout(); }
      }).observe(planeBox);
    }
  }
  function fail(why) {
    setText(document.getElementById("summary"), why);
    document.body.setAttribute("data-error", why);
  }
  if (!window.DecompressionStream) {
    fail("This browser cannot unpack the page's numbers (it needs DecompressionStream: Chrome 80, Firefox 113, " +
         "Safari 16.4 or newer).");
  } else {
    Promise.all([unpack(table.columns, 4), unpack(plane.surface, 1)]).then(begin, function (error) {
      fail("The page's numbers could not be unpacked: " + error);
    });
  }
  // for tests and for the curious: the page's state and how long its last step took to draw
  window.trainingPage = {
    show: show, selectPoint: selectPoint, formatNumber: formatNumber, timing: timing,
    step: function () { return current; }, point: function () { return points[pointIndex].index; },
    shown: function () { return shown; }, setFold: function (n, shut) { setFold(n, shut); },
    look: function (x, y, scale) { paint({scale: scale, x: -x * scale, y: -y * scale}); writeGraph(shown); }
  };
})();
