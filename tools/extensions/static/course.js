/* Open Psychology Course: keep glossary tooltips inside the window.
   The tooltips work without this (CSS shows them on hover and focus); this
   only nudges one left when it would run off the right edge of the screen. */
(function () {
  function place(term) {
    var tip = term.querySelector(".course-term-tip");
    if (!tip) return;
    tip.style.left = "0px";
    var overflow = tip.getBoundingClientRect().right - (document.documentElement.clientWidth - 8);
    if (overflow > 0) tip.style.left = -overflow + "px";
  }
  function onEnter(event) {
    var term = event.target.closest && event.target.closest(".course-term");
    if (term) place(term);
  }
  document.addEventListener("mouseover", onEnter);
  document.addEventListener("focusin", onEnter);
})();
