// The lecture page's quiz mode: before a step shows what it computed, the learner types each number
// the REPL's quiz asks there (autograd_core.steps.quiz: the same questions, answers and hints, written
// into the frames by viz/walk/quiz.py).  Until a step's questions are answered (or shown), its flows,
// the gradients of its node's inputs and its text are blanks.  An answer is read as the REPL reads
// it (a number or arithmetic: 1.1*2) and agrees to the same rule (autograd_core.steps.exercises.agrees,
// mirrored in agrees() below; a test runs both on one table of cases).
(function () {
  "use strict";

  // -- the rule, as autograd_core.steps.exercises states it ----------------------------------------
  function agrees(value, expected, rule) {
    if (typeof value !== "number" || isNaN(value)) { return false; }
    if (!isFinite(expected)) { return value === expected; }
    if (expected === 0) { return Math.abs(value) <= rule.abs || value === expected; }
    var magnitude = Math.floor(Math.log10(Math.abs(expected)));
    var half = 0.5 * Math.pow(10, magnitude - (rule.digits - 1)) * (1 + 1e-9);
    var tolerance = Math.max(half, rule.rel * Math.abs(expected));
    return Math.abs(value - expected) <= tolerance || value === expected;
  }

  // -- reading an answer, as autograd_core.steps.exercises.read_number reads it -------------------
  var FUNCTIONS = {
    exp: Math.exp, tanh: Math.tanh, sin: Math.sin, cos: Math.cos,
    sigmoid: function (x) { return 1 / (1 + Math.exp(-x)); },
    relu: function (x) { return x > 0 ? x : 0; },
    log: function (x) {
      if (!(x > 0)) { throw new Domain("log: log of a non-positive number"); }
      return Math.log(x);
    }
  };
  function Domain(message) { this.message = message; }
  function shorten(text) { return text.length <= 30 ? text : text.slice(0, 30) + "..."; }
  function Refused() {}
  function quote(text) {
    var shown = text.length <= 30 ? text : text.slice(0, 30);
    var quoted = "'" + shown.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
    return text.length <= 30 ? quoted : quoted + "... (" + text.length + " characters)";
  }
  function parse(text) {
    var tokens = text.match(/\*\*|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|[A-Za-z_]\w*|\S/g) || [];
    var at = 0;
    function peek() { return tokens[at]; }
    function take(expected) {
      if (expected !== undefined && tokens[at] !== expected) { throw new Refused(); }
      return tokens[at++];
    }
    function expression() {
      var value = term();
      while (peek() === "+" || peek() === "-") { value = take() === "+" ? value + term() : value - term(); }
      return value;
    }
    function term() {
      var value = unary();
      while (peek() === "*" || peek() === "/") {
        if (take() === "*") { value = value * unary(); } else {
          var divisor = unary();
          if (divisor === 0) { throw new Domain("div: division by zero"); }
          value = value / divisor;
        }
      }
      return value;
    }
    function unary() {
      if (peek() === "-") { take(); return -unary(); }
      if (peek() === "+") { take(); return unary(); }
      return power();
    }
    function power() {
      var base = atom();
      if (peek() === "**") { take(); return Math.pow(base, unary()); }
      return base;
    }
    function atom() {
      var token = take();
      if (token === undefined) { throw new Refused(); }
      if (token === "(") { var inside = expression(); take(")"); return inside; }
      if (/^[\d.]/.test(token)) { return parseFloat(token); }
      if (Object.prototype.hasOwnProperty.call(FUNCTIONS, token)) {
        take("(");
        var argument = expression();
        take(")");
        return FUNCTIONS[token](argument);
      }
      throw new Refused();
    }
    var value = expression();
    if (at !== tokens.length) { throw new Refused(); }
    return value;
  }
  function readNumber(raw, rule) {
    // {value} or {refusal}: the REPL's messages, word for word
    var text = raw.trim();
    if (text.length > rule.max) {
      return {refusal: "answer: too long (" + text.length + " characters): write a number or short arithmetic, at most " +
              rule.max};
    }
    var infinite = {refusal: "answer: " + quote(text) + " is not a finite number: every number asked here is finite"};
    if (/^[+-]?(inf|infinity|nan|\u221e)$/i.test(text)) { return infinite; }
    var literals = text.match(/\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?/g) || [];
    if (literals.some(function (l) { return !isFinite(parseFloat(l)); })) { return infinite; }
    var value;
    try { value = parse(text); } catch (error) {
      if (error instanceof Domain) { return {refusal: "answer: " + quote(text) + " cannot be computed (" + error.message + ")"}; }
      return {refusal: "answer: write a number or arithmetic on numbers (e.g. 1.1*2), got " + quote(text)};
    }
    if (!isFinite(value)) { return infinite; }
    return {value: value};
  }

  // -- the quiz on the page ----------------------------------------------------------------------
  function Quiz(page) {
    var rule = page.data.quiz;
    var frames = page.frames;
    var questions = [];
    frames.forEach(function (frame, k) {
      (frame.q || []).forEach(function (q) {
        q.frame = k; q.tries = 0; q.state = null;
        questions.push(q);
      });
    });
    var panel = document.getElementById("quiz");
    var note = document.getElementById("quiz-note");
    var form = document.getElementById("quiz-form");
    var prompt = document.getElementById("quiz-prompt");
    var input = document.getElementById("quiz-answer");
    var feedback = document.getElementById("quiz-feedback");
    var score = document.getElementById("quiz-score");
    var showButton = document.getElementById("quiz-show");
    var current = 0;
    var blanked = [];  // texts written blank, with what they held
    var texts = {};  // a section's step text, kept while it is hidden

    function open(k) { return (frames[k].q || []).every(function (q) { return q.state; }); }
    function pending(k) {
      var list = frames[k].q || [];
      for (var j = 0; j < list.length; j++) { if (!list[j].state) { return list[j]; } }
      return null;
    }
    function blank(element) {
      if (!element || element.getAttribute("data-blank")) { return; }
      blanked.push({element: element, text: element.textContent});
      element.setAttribute("data-blank", "1");
      element.textContent = rule.blank;
    }
    function restore() {
      // what the page's own script wrote since (a flow, a gradient) stays; the rest gets its text back
      blanked.forEach(function (b) {
        if (b.element.textContent === rule.blank) { b.element.textContent = b.text; }
        b.element.removeAttribute("data-blank");
      });
      blanked = [];
    }
    function localTexts(edge) {
      var element = document.getElementById(edge);
      return element ? Array.prototype.slice.call(element.querySelectorAll("text.loc")) : [];
    }
    function setText(k, hidden) {
      var pre = page.sections[k].querySelector("pre.text");
      if (!pre) { return; }
      if (hidden && !(k in texts)) {
        texts[k] = pre.textContent;
        pre.textContent = "Your turn: give what this step computes (above); its text shows once you have.";
        pre.classList.add("quiz-hidden");
      } else if (!hidden && k in texts) {
        pre.textContent = texts[k];
        delete texts[k];
        pre.classList.remove("quiz-hidden");
      }
    }
    function scoreText() {
      var right = 0, first = 0, missed = 0, shown = 0;
      questions.forEach(function (q) {
        if (q.state === "right") { right++; if (q.tries === 1) { first++; } }
        else if (q.state === "missed") { missed++; }
        else if (q.state === "shown") { shown++; }
      });
      var text = "score: " + right + "/" + (right + missed) + " right, " + first + " at the first try";
      return shown ? text + "; " + shown + " shown on request" : text;
    }
    function apply(k) {
      current = k;
      restore();
      // a step's local derivatives are not on its edges before its questions are answered (the
      // REPL shows them in the step's text, after the answers): with upstream 1 a local derivative
      // is the very gradient asked; one asked for itself shows once it is answered
      frames.forEach(function (other, j) {
        if (j < k || !other.q || !other.q.length || open(j)) { return; }
        var node = page.data.nodes[other.c];
        node[1].forEach(function (_, i) {
          var id = "g-e" + other.c + "." + i;
          var asked = other.q.filter(function (q) { return q.e === id; })[0];
          if (!asked || !asked.state) { localTexts(id).forEach(blank); }
        });
      });
      var frame = frames[k];
      var closed = !open(k);
      if (closed) {
        Object.keys(frame.e).forEach(function (id) {
          (page.flows[id] ? page.flows[id].texts : []).forEach(blank);
        });
        (frame.h || []).forEach(function (i) {
          page.nodes[i].grads.forEach(blank);
          page.nodes[i].running = {};  // written again when shown
        });
      }
      setText(k, closed);
      var asking = pending(k);
      panel.hidden = !(frame.q && frame.q.length);
      form.hidden = !asking;
      if (asking) {
        prompt.textContent = asking.p;
        note.textContent = asking.n || "";
        if (document.activeElement !== input) { input.value = ""; }
      } else {
        note.textContent = "";
      }
      score.textContent = scoreText();
    }
    function settle(q, state, message) {
      q.state = state;
      feedback.textContent = message;
      input.value = "";
      page.redraw();
      if (pending(current)) { input.focus({preventScroll: true}); }
    }
    function answer() {
      var q = pending(current);
      if (!q) { return; }
      var typed = input.value;
      if (!typed.trim()) { reveal(); return; }
      var read = readNumber(typed, rule);
      q.tries++;
      if (read.refusal !== undefined) {
        feedback.textContent = read.refusal;
      } else if (agrees(read.value, q.a, rule)) {
        settle(q, "right", "right: " + q.c + " = " + q.s);
        return;
      } else {
        // the answer as typed (the REPL writes the number it read; both say which answer was wrong)
        feedback.textContent = "not yet: " + q.c + " is not " + shorten(typed.trim()) + "\n" +
          q.h[Math.min(q.tries, q.h.length) - 1];
      }
      if (q.tries >= rule.tries) {
        settle(q, "missed", feedback.textContent + "\nthe answer: " + q.c + " = " + q.s);
        return;
      }
      input.select();
    }
    function reveal() {
      var q = pending(current);
      if (q) { settle(q, "shown", "the answer: " + q.c + " = " + q.s); }
    }
    // no <form>: a notebook shows the page in a sandboxed frame, where a form may not be submitted
    document.getElementById("quiz-check").addEventListener("click", answer);
    showButton.addEventListener("click", reveal);
    function key(event) {
      // typing an answer: the page's keys (arrows, o, +, -) are the input's, Enter checks it
      if (event.target === input) {
        if (event.key === "Enter") { answer(); event.preventDefault(); }
        else if (event.key === "Escape") { input.blur(); event.preventDefault(); }
        return true;
      }
      if ((event.key === "s" || event.key === "S") && !event.altKey && !event.ctrlKey && !event.metaKey &&
          pending(current)) {
        reveal();
        event.preventDefault();
        return true;
      }
      return false;
    }
    function shown(k) {
      // a frame just shown: ready for typing when it asks
      if (pending(k)) { input.focus({preventScroll: true}); }
      feedback.textContent = "";
    }
    return {apply: apply, key: key, shown: shown};
  }

  window.chainruleQuiz = Quiz;
  window.chainruleRule = {agrees: agrees, readNumber: readNumber};
})();
