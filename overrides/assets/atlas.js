// Paper Atlas: wide tables scroll sideways inside Material's wrapper; make each wrapper
// focusable so keyboard users can scroll it too (axe: scrollable-region-focusable).
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrapper) {
    if (!wrapper.hasAttribute("tabindex")) wrapper.setAttribute("tabindex", "0");
  });
});

// Search: Pagefind's UI on the search page, started with the header form's ?q= query.
document$.subscribe(function () {
  var element = document.getElementById("atlas-search");
  if (!element || typeof PagefindUI === "undefined") return;
  // Load Pagefind's index metadata and WebAssembly now, while the reader types, rather than
  // on the first key press: the UI imports the same module, so the work is done once.
  import(new URL("../pagefind/pagefind.js", window.location.href).href).then(function (pagefind) {
    if (pagefind.init) pagefind.init();
  });
  var ui = new PagefindUI({
    element: "#atlas-search",
    showSubResults: false,
    showImages: false,
    // Pagefind waits 300 ms after each key press before searching; a shorter pause keeps
    // results following the typing (each search takes a few ms once the index is loaded).
    debounceTimeoutMs: 60,
    autofocus: true,
    translations: { placeholder: "Search papers by title or abstract" },
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
  // Pagefind labels its input with a title only (axe: label-title-only); name it properly.
  var input = element.querySelector("input");
  if (input) input.setAttribute("aria-label", "Search papers by title or abstract");
});

// "/" focuses the header's search box, as it did with Material's search.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (event.key !== "/" || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
  var input = document.querySelector(".atlas-search__input");
  if (input) { event.preventDefault(); input.focus(); }
});
