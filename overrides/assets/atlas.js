// Paper Atlas: wide tables scroll sideways inside Material's wrapper; make each wrapper
// focusable so keyboard users can scroll it too (axe: scrollable-region-focusable).
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrapper) {
    if (!wrapper.hasAttribute("tabindex")) wrapper.setAttribute("tabindex", "0");
  });
});

// Search: Pagefind's UI on the search page, started with the header form's ?q= query.
// Queries are normalised as the index is: hyphens are spaces ("mixture-of-experts" finds
// what "mixture of experts" does) and British words take their American spelling, by the
// rules the generator writes into the page (generator/spelling.py: one list for both).
// The address bar follows the query, so a search can be shared; a query that finds
// nothing is tried again without the words no paper has, and the page says so.
function atlasSpelling() {
  var element = document.getElementById("atlas-spelling");
  var data = element ? JSON.parse(element.textContent) : { rules: [], exceptions: [], exception_words: [] };
  var rules = data.rules.map(function (rule) { return [new RegExp(rule[0]), rule[1]]; });
  return function (word) {
    var lower = word.toLowerCase();
    if (lower.length < 5 || data.exception_words.indexOf(lower) >= 0 || /wise$/.test(lower) ||
        data.exceptions.some(function (part) { return lower.indexOf(part) >= 0; })) return word;
    for (var i = 0; i < rules.length; i++) {
      if (rules[i][0].test(lower)) return lower.replace(rules[i][0], rules[i][1]);
    }
    return word;
  };
}

document$.subscribe(function () {
  var element = document.getElementById("atlas-search");
  if (!element || typeof PagefindUI === "undefined") return;
  var american = atlasSpelling();
  function normalise(term) {
    return term.replace(/(\w)-(?=\w)/g, "$1 ").split(/\s+/).map(american).join(" ").trim();
  }
  window.atlasNormalise = normalise; // what the search page searches for: tests use it too
  // Load Pagefind's index metadata and WebAssembly now, while the reader types, rather than
  // on the first key press: the UI imports the same module, so the work is done once.
  var ready = import(new URL("../pagefind/pagefind.js", window.location.href).href).then(function (pagefind) {
    if (pagefind.init) pagefind.init();
    return pagefind;
  });
  var ui = new PagefindUI({
    element: "#atlas-search",
    showSubResults: false,
    showImages: false,
    // Pagefind waits 300 ms after each key press before searching; a shorter pause keeps
    // results following the typing (each search takes a few ms once the index is loaded).
    debounceTimeoutMs: 60,
    autofocus: true,
    processTerm: normalise,
    showEmptyFilters: false,
    translations: { placeholder: "Search papers by title or abstract" },
  });
  var note = document.getElementById("atlas-search-note");
  // The words the index holds (search/vocabulary.json, written by the generator), loaded
  // with the page: a query word no indexed word starts with matches nothing, however
  // Pagefind fills the gap (it once answered "transfomer" with papers matching a lone
  // "t"); such a word is dropped, or, when no word of the query is known, the results are
  // hidden and the closest known words are offered ("did you mean").
  var vocabulary = fetch(new URL(element.dataset.vocabulary, window.location.href)).then(function (r) {
    return r.ok ? r.json() : null;
  }).catch(function () { return null; });
  function lowerBound(words, word) {
    var low = 0, high = words.length;
    while (low < high) { var mid = (low + high) >> 1; if (words[mid] < word) low = mid + 1; else high = mid; }
    return low;
  }
  function startsSome(words, prefix) {
    var i = lowerBound(words, prefix);
    return i < words.length && words[i].lastIndexOf(prefix, 0) === 0;
  }
  var ENDINGS = ["izations", "ization", "ations", "ation", "ings", "ing", "ers", "er", "ies", "ied", "ed", "es", "ly", "s"];
  function known(vocab, word) {
    if (startsSome(vocab.words, word)) return true;
    // Pagefind stems words ("optimizations" finds "optimize"): try the word's stem too.
    return ENDINGS.some(function (ending) {
      var stem = word.slice(0, -ending.length);
      return word.length - ending.length >= 4 && word.slice(-ending.length) === ending && startsSome(vocab.words, stem);
    });
  }
  function distance(a, b, limit) {
    // Damerau-Levenshtein (optimal string alignment), giving up beyond `limit`.
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var previous2 = null, previous = [], i, j;
    for (j = 0; j <= b.length; j++) previous.push(j);
    for (i = 1; i <= a.length; i++) {
      var row = [i], best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (previous2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2] + 1);
        row.push(value); if (value < best) best = value;
      }
      if (best > limit) return limit + 1;
      previous2 = previous; previous = row;
    }
    return previous[b.length];
  }
  function closest(vocab, word) {
    var limit = word.length <= 4 ? 1 : 2, best = null;
    for (var i = 0; i < vocab.words.length; i++) {
      var candidate = vocab.words[i];
      if (candidate.length < 3) continue;
      var d = distance(word, candidate, limit);
      if (d > limit) continue;
      if (!best || d < best.d || (d === best.d && vocab.counts[i] > best.count)) best = { d: d, word: candidate, count: vocab.counts[i] };
    }
    return best ? best.word : null;
  }
  // What to do with a query: null (search it as typed), or the words no indexed word has,
  // the rest of the query, and a spelling suggestion for the whole query.
  function check(query) {
    return vocabulary.then(function (vocab) {
      if (!vocab) return null;
      var words = normalise(query).toLowerCase().split(/\s+/).filter(Boolean);
      var unknown = words.filter(function (word) { return !known(vocab, word); });
      if (!unknown.length) return null;
      var fixed = words.map(function (word) { return unknown.indexOf(word) < 0 ? word : closest(vocab, word); });
      return {
        dropped: unknown,
        rest: words.filter(function (word) { return unknown.indexOf(word) < 0; }).join(" "),
        suggestion: fixed.every(Boolean) ? fixed.join(" ") : null,
      };
    });
  }
  function offer(text, query) {
    var link = document.createElement("a");
    link.href = "?q=" + encodeURIComponent(query);
    link.textContent = text;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      run(query);
    });
    return link;
  }
  function run(query) {
    history.replaceState(null, "", "?q=" + encodeURIComponent(query));
    var input = element.querySelector("input");
    if (input) input.value = query;
    ui.triggerSearch(query);
    search(query, false);
  }
  function search(query, automatic) {
    note.textContent = "";
    element.classList.remove("atlas-search--nothing");
    if (!query) return;
    check(query).then(function (found) {
      if (!found) return;
      var quoted = found.dropped.map(function (w) { return "“" + w + "”"; }).join(", ");
      if (!found.rest) {
        // No word of the query is in any paper: Pagefind's closest prefixes are noise.
        element.classList.add("atlas-search--nothing");
        note.textContent = "No results: no paper has " + quoted + ". ";
        if (found.suggestion) {
          note.appendChild(document.createTextNode("Did you mean "));
          note.appendChild(offer("“" + found.suggestion + "”", found.suggestion));
          note.appendChild(document.createTextNode("?"));
        }
        return;
      }
      if (automatic) {
        ui.triggerSearch(found.rest);
        note.textContent = "No paper has " + quoted + ": showing results without it. ";
      } else {
        note.textContent = "No paper has " + quoted + ". ";
        note.appendChild(offer("Search for “" + found.rest + "” instead", found.rest));
      }
      if (found.suggestion) {
        note.appendChild(document.createTextNode(" Did you mean "));
        note.appendChild(offer("“" + found.suggestion + "”", found.suggestion));
        note.appendChild(document.createTextNode("?"));
      }
    });
  }
  var query = new URLSearchParams(window.location.search).get("q");
  // Pagefind (1.5.2) loads index and filter chunks into its WebAssembly state as they
  // arrive, and every chunk requested before its init has finished starts from the same
  // state, so one load can undo another: a search started with the page lost the Topic
  // filter about once in seven loads on a busy machine. Search once the filters are in.
  if (query) {
    ready
      .then(function (pagefind) { return pagefind.filters(); })
      .catch(function () {}) // the search must run even if the filters cannot load
      .then(function () { ui.triggerSearch(query); search(query, true); });
  }
  // Pagefind labels its input with a title only (axe: label-title-only); name it properly.
  var input = element.querySelector("input");
  if (input) {
    input.setAttribute("aria-label", "Search papers by title or abstract");
    var pause = null;
    input.addEventListener("input", function () {
      var value = input.value.trim();
      history.replaceState(null, "", value ? "?q=" + encodeURIComponent(value) : window.location.pathname);
      clearTimeout(pause);
      // Hide noise at once; say why after a pause in the typing.
      check(value).then(function (found) {
        element.classList.toggle("atlas-search--nothing", Boolean(found && !found.rest));
      });
      pause = setTimeout(function () { search(value, false); }, 700);
    });
  }
});

// "/" focuses the header's search box, as it did with Material's search.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (event.key !== "/" || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
  var input = document.querySelector(".atlas-search__input");
  if (input) { event.preventDefault(); input.focus(); }
});

// Topic pages: sort (newest, most upvoted, most discussed) and filter (sub-topic, year)
// the papers. Without JavaScript the list stays as written, newest first. A topic on one
// page is sorted in place; a topic split over several pages loads all its papers from
// the topic's papers.json (fields named in the file) and shows the matching ones here.
document$.subscribe(function () {
  var box = document.querySelector(".atlas-list-controls");
  var list = document.querySelector(".atlas-papers ul");
  if (!box || !list) return;
  var pages = Number(box.dataset.pages || "1");
  var topics = JSON.parse(box.dataset.topics || "[]");
  var original = Array.prototype.slice.call(list.children);
  var rows = original.map(function (item) {
    var a = item.querySelector("a");
    return {
      item: item,
      date: a.dataset.date || "",
      year: a.dataset.year || "",
      upvotes: Number(a.dataset.upvotes || 0),
      comments: Number(a.dataset.comments || 0),
      topics: (a.dataset.topics || "").split(" ").filter(Boolean),
    };
  });
  var all = null; // every paper of a topic of several pages, once loaded

  function select(label, options) {
    var wrap = document.createElement("label");
    wrap.className = "atlas-list-controls__field";
    wrap.appendChild(document.createTextNode(label + " "));
    var element = document.createElement("select");
    options.forEach(function (option) {
      var node = document.createElement("option");
      node.value = option[0];
      node.textContent = option[1];
      element.appendChild(node);
    });
    wrap.appendChild(element);
    box.appendChild(wrap);
    element.addEventListener("change", apply);
    return element;
  }

  var sort = select("Sort by", [["newest", "newest"], ["upvotes", "most upvoted"],
                                ["comments", "most discussed"]]);
  var topic = topics.length
    ? select("Sub-topic", [["", "all"]].concat(topics)) : null;
  var years = {};
  rows.forEach(function (row) { if (row.year) years[row.year] = true; });
  var year = select("Year", [["", "all"]]);
  function fillYears(source) {
    source.forEach(function (row) { if (row.year) years[row.year] = true; });
    Object.keys(years).sort().reverse().forEach(function (y) {
      if (!year.querySelector('option[value="' + y + '"]')) {
        var node = document.createElement("option");
        node.value = y;
        node.textContent = y;
        year.appendChild(node);
      }
    });
  }
  fillYears([]);
  var status = document.createElement("p");
  status.className = "atlas-list-controls__status";
  status.setAttribute("role", "status");
  box.appendChild(status);
  box.hidden = false;

  function order(items) {
    var key = sort.value;
    return items.slice().sort(function (a, b) {
      if (key !== "newest" && b[key] !== a[key]) return b[key] - a[key];
      return a.date === b.date ? 0 : a.date < b.date ? 1 : -1; // newest first, undated last
    }).filter(function (row) {
      return (!topic || !topic.value || row.topics.indexOf(topic.value) >= 0) &&
        (!year.value || row.year === year.value);
    });
  }

  function item(paper) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = paper.url;
    a.textContent = paper.title;
    li.appendChild(a);
    if (paper.details) {
      li.appendChild(document.createTextNode(" · "));
      var small = document.createElement("small");
      small.textContent = paper.details;
      li.appendChild(small);
    }
    if (paper.snippet) {
      li.appendChild(document.createElement("br"));
      var span = document.createElement("span");
      span.className = "atlas-snippet";
      span.textContent = paper.snippet;
      li.appendChild(span);
    }
    return li;
  }

  var LIMIT = 500;
  function show(matching, total) {
    list.textContent = "";
    matching.slice(0, LIMIT).forEach(function (row) { list.appendChild(row.item || item(row)); });
    var text = matching.length + " of " + total + " papers";
    if (matching.length > LIMIT) text += "; the first " + LIMIT + " are shown";
    status.textContent = text + ".";
  }

  function apply() {
    var plain = sort.value === "newest" && (!topic || !topic.value) && !year.value;
    document.querySelectorAll(".atlas-pager").forEach(function (nav) { nav.hidden = !plain; });
    if (plain) {
      list.textContent = "";
      original.forEach(function (node) { list.appendChild(node); });
      status.textContent = "";
      return;
    }
    if (pages <= 1) return show(order(rows), rows.length);
    if (all) return show(order(all), all.length);
    status.textContent = "Loading every paper of this topic…";
    fetch(new URL(box.dataset.src, window.location.href)).then(function (response) {
      return response.json();
    }).then(function (data) {
      var base = new URL(box.dataset.src, window.location.href);
      all = data.papers.map(function (values) {
        var paper = {};
        data.fields.forEach(function (field, index) { paper[field] = values[index]; });
        paper.url = new URL(paper.url, base).href;
        paper.year = paper.date && paper.date.slice(0, 4) !== "0000" ? paper.date.slice(0, 4) : "";
        return paper;
      });
      fillYears(all);
      show(order(all), all.length);
    }).catch(function () {
      status.textContent = "Could not load the papers of this topic; the pages below list them all.";
    });
  }
});
