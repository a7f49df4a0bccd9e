// Paper Atlas: wide tables scroll sideways inside Material's wrapper; make each wrapper
// focusable so keyboard users can scroll it too (axe: scrollable-region-focusable).
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrapper) {
    if (!wrapper.hasAttribute("tabindex")) wrapper.setAttribute("tabindex", "0");
  });
});
