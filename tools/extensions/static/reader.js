/* Open Psychology Course: reader tools (tools/extensions/reader.py).
   Every part works on the page without this file; this only adds to it. */
(function () {
  "use strict";

  /* --- Glossary: a filter box above the A–Z bar, and no carried-over search
     highlight (Sphinx keeps the last search's words for the next page opened). */
  var nav = document.querySelector(".course-glossary-nav");
  if (nav) {
    try {
      window.localStorage.removeItem("sphinx_highlight_terms");
    } catch (e) {
      /* storage may be off: nothing carried over then */
    }
    document.addEventListener("DOMContentLoaded", function () {
      if (window.SphinxHighlight) window.SphinxHighlight.hideSearchWords();
    });
    var list = nav.nextElementSibling;
    while (list && !(list.matches && list.matches("dl.glossary"))) {
      list = list.nextElementSibling;
    }
    if (list) {
      var box = document.createElement("div");
      box.className = "course-glossary-filter";
      var label = document.createElement("label");
      label.htmlFor = "course-glossary-filter";
      label.textContent = "Filter the glossary";
      var input = document.createElement("input");
      input.type = "search";
      input.id = "course-glossary-filter";
      input.autocomplete = "off";
      input.spellcheck = false;
      var status = document.createElement("p");
      status.className = "course-glossary-count";
      status.setAttribute("role", "status");
      box.appendChild(label);
      box.appendChild(input);
      box.appendChild(status);
      nav.parentNode.insertBefore(box, nav);

      var entries = [];
      Array.prototype.forEach.call(list.children, function (el) {
        if (el.tagName === "DT") entries.push({ terms: [el], defs: [], text: "" });
        else if (el.tagName === "DD" && entries.length) entries[entries.length - 1].defs.push(el);
      });
      entries.forEach(function (e) {
        e.text = e.terms.concat(e.defs).map(function (n) { return n.textContent; }).join(" ").toLowerCase();
        e.letter = e.terms[0].id;
      });
      var letters = nav.querySelectorAll("a");
      var filter = function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        var firstOf = {};
        entries.forEach(function (e) {
          var match = words.every(function (w) { return e.text.indexOf(w) !== -1; });
          e.terms.concat(e.defs).forEach(function (n) { n.hidden = !match; });
          if (match) {
            shown += 1;
            var key = (e.terms[0].textContent.trim()[0] || "").toUpperCase();
            if (!(key in firstOf)) firstOf[key] = true;
          }
        });
        Array.prototype.forEach.call(letters, function (a) {
          var on = !words.length || a.textContent in firstOf;
          if (on) a.removeAttribute("aria-disabled");
          else a.setAttribute("aria-disabled", "true");
        });
        status.textContent = words.length
          ? shown + (shown === 1 ? " term matches" : " terms match") + " \u201c" + input.value.trim() + "\u201d"
          : "";
      };
      input.addEventListener("input", filter);
    }
  }

  /* --- Diagrams: "Enlarge diagram" when a drawing is wider than its box,
     opening it full screen at its own size (Escape or Close to return). --- */
  var dialog = null;
  var dialogBody = null;
  var opener = null;
  function openDiagram(scroll) {
    var svg = scroll.querySelector("svg");
    if (!svg) return;
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "course-diagram-dialog";
      var bar = document.createElement("div");
      bar.className = "course-diagram-dialog-bar";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Close";
      close.addEventListener("click", function () { dialog.close(); });
      bar.appendChild(close);
      dialogBody = document.createElement("div");
      dialogBody.className = "course-diagram-dialog-body";
      dialog.appendChild(bar);
      dialog.appendChild(dialogBody);
      dialog.addEventListener("close", function () {
        dialogBody.textContent = "";
        if (opener) opener.focus();
      });
      document.body.appendChild(dialog);
    }
    var copy = svg.cloneNode(true);
    copy.removeAttribute("id");
    Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (el) {
      el.id = "enlarged-" + el.id;
    });
    copy.style.width = copy.style.maxWidth;
    copy.style.minWidth = copy.style.maxWidth;
    dialog.setAttribute("aria-label", svg.getAttribute("aria-label") || "Diagram");
    dialogBody.appendChild(copy);
    dialog.showModal();
  }
  Array.prototype.forEach.call(document.querySelectorAll(".course-diagram-scroll"), function (scroll) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "course-diagram-enlarge";
    button.textContent = "Enlarge diagram";
    button.hidden = true;
    button.addEventListener("click", function () {
      opener = button;
      openDiagram(scroll);
    });
    scroll.parentNode.insertBefore(button, scroll.nextSibling);
    var fit = function () {
      button.hidden = scroll.scrollWidth <= scroll.clientWidth + 1;
    };
    fit();
    window.addEventListener("resize", fit);
    scroll.addEventListener("click", function (event) {
      if (!button.hidden && lastPointer === "touch") {
        event.preventDefault();
        opener = button;
        openDiagram(scroll);
      }
    });
  });

  /* --- Tap to define: on a touch screen the first tap on a key term shows its
     definition in place, with a link to the glossary entry; a tap outside or
     Escape closes it. Mouse, keyboard and screen readers are not changed. --- */
  var lastPointer = "";
  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType;
  }, true);
  var open = null;
  function closeTerm() {
    if (!open) return;
    open.classList.remove("course-term-open");
    var link = open.querySelector("a[aria-expanded]");
    if (link) link.setAttribute("aria-expanded", "false");
    open = null;
  }
  /* The bottom edge of furo's sticky phone header (0 where it is not shown):
     a definition must stay between it and the bottom of the window. */
  function headerBottom() {
    var header = document.querySelector(".mobile-header");
    if (!header || getComputedStyle(header).display === "none") return 0;
    return Math.max(0, header.getBoundingClientRect().bottom);
  }
  function placeTip(term, mayScroll) {
    var tip = term.querySelector(".course-term-tip");
    if (!tip || getComputedStyle(tip).display === "none") return;
    var width = document.documentElement.clientWidth;
    tip.style.left = "0px";
    var box = tip.getBoundingClientRect();
    var overflow = box.right - (width - 8);
    if (overflow > 0) tip.style.left = Math.max(-overflow, 8 - box.left) + "px";
    // Below the term when it fits, above it when only that fits; otherwise
    // below, with the page scrolled just enough to show it (never under the header).
    var top = headerBottom() + 8;
    var bottom = window.innerHeight - 8;
    var word = term.getBoundingClientRect();
    var height = tip.offsetHeight;
    var below = word.bottom + height <= bottom;
    var above = word.top - height >= top;
    tip.classList.toggle("course-term-tip-above", !below && above);
    if (!below && !above && mayScroll) {
      var room = word.top - top;
      var need = word.bottom + height - bottom;
      if (room > 0) window.scrollBy(0, Math.min(need, room));
    }
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    var term = target.closest && target.closest(".course-term");
    if (!term) {
      closeTerm();
      return;
    }
    if (target.closest(".course-term-more")) return; // the glossary link inside: follow it
    var link = term.querySelector("a");
    if (lastPointer !== "touch" && lastPointer !== "pen") return;
    if (open === term) return; // a second tap on the term follows its link
    event.preventDefault();
    closeTerm();
    var tip = term.querySelector(".course-term-tip");
    if (tip && !tip.querySelector(".course-term-more")) {
      var more = document.createElement("a");
      more.className = "course-term-more";
      more.href = link.href;
      more.textContent = "Open in the glossary";
      tip.appendChild(more);
    }
    term.classList.add("course-term-open");
    link.setAttribute("aria-expanded", "true");
    open = term;
    placeTip(term, true);
  });
  // Keyboard focus and the mouse show a definition too (CSS): place it the same way.
  ["focusin", "mouseover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var term = event.target.closest && event.target.closest(".course-term");
      if (term && !event.target.closest(".course-term-tip")) placeTip(term, false);
    });
  });
  // While the page scrolls under an open definition, keep it clear of the
  // header; once its term has gone under the header, close it.
  window.addEventListener("scroll", function () {
    if (!open) return;
    var word = open.getBoundingClientRect();
    if (word.bottom <= headerBottom() || word.top >= window.innerHeight) {
      // The tap focused the link, and focus shows a definition too: let go of it.
      var term = open;
      closeTerm();
      if (term.contains(document.activeElement)) document.activeElement.blur();
    } else placeTip(open, false);
  }, { passive: true });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open) {
      // The tap focused the link, and a focused term shows its definition:
      // let go of the focus too, or the definition would stay open.
      var term = open;
      closeTerm();
      if (term.contains(document.activeElement)) document.activeElement.blur();
    }
  });
})();
