/* Search as you type, from the theme's search box, with Pagefind (see tools/extensions/search.py).
 *
 * Progressive: without this script (or from file://, where Pagefind cannot
 * load) the box submits to search.html, Sphinx's own search. With it, typing
 * opens results in place; Enter still submits to search.html. Filters and the
 * query are kept in the page's URL (?q=memory&level=year-8), so a link to the
 * page reopens the same results.
 */
"use strict";
(() => {
  const FACETS = [
    ["level", "Level", "Any level"],
    ["course", "Course", "Any course"],
    ["category", "Category", "Any category"],
    ["topic", "Topic", "Any topic"],
    // Exam specification content points (GCSE); shown only when the site has any.
    ["spec", "Specification point", "Any specification point", "optional"],
  ];
  // Results drawn at once (each costs its page's fragment); the rest are a link away,
  // on the search page. Pagefind's own interface starts with five.
  const SHOWN = 6;
  const FEW = 10;
  // Articles first, then glossary entries, then pages that list others.
  const KIND_ORDER = { article: 0, glossary: 1, page: 2, listing: 3 };
  const KIND_LABELS = { glossary: "Glossary", listing: "Listing", page: "Page" };

  const script = document.currentScript;
  if (!script || location.protocol === "file:") return;
  const root = new URL("../", script.src); // the script is in <root>/_static/
  let pagefind = null;
  const loaded = {};
  let panelCount = 0;

  /* Pagefind with every shard of the index: the primary one (pagefind/, with the script and
   * WebAssembly) and the others the build lists in course-shards.json (pagefind/shards/<n>/),
   * merged into it. Result URLs are made from baseUrl in each shard, so they are the site's. */
  function loadPagefind() {
    if (!pagefind) {
      const shards = loadJSON("course-shards.json");
      pagefind = import(new URL("pagefind/pagefind.js", root).href).then(async (pf) => {
        const options = { baseUrl: root.pathname, excerptLength: 24 };
        // In the page, not a worker: one script fewer to fetch (the search itself takes ms).
        await pf.options({ ...options, noWorker: true });
        const names = await shards;
        await Promise.all(
          (Array.isArray(names) ? names : []).map((name) =>
            pf.mergeIndex(new URL(`pagefind/shards/${name}/`, root).pathname, options),
          ),
        );
        return pf;
      });
    }
    return pagefind;
  }

  /* One of the build's small JSON files (course-filters.json, course-words.json,
   * course-shards.json), fetched once. */
  function loadJSON(name) {
    if (!loaded[name]) {
      loaded[name] = fetch(new URL(`pagefind/${name}`, root))
        .then((response) => (response.ok ? response.json() : {}))
        .catch(() => ({}));
    }
    return loaded[name];
  }

  /* Optimal string alignment distance (a swap of two letters is one edit), capped. */
  function distance(a, b, cap) {
    if (Math.abs(a.length - b.length) > cap) return cap + 1;
    let before = null;
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      let best = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let value = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, before[j - 2] + 1);
        }
        row.push(value);
        best = Math.min(best, value);
      }
      if (best > cap) return cap + 1;
      before = previous;
      previous = row;
    }
    return previous[b.length];
  }

  /* The query with each unknown word replaced by the nearest title or glossary word, or null. */
  function suggestion(query, words) {
    const known = new Set(words.map((w) => w.toLowerCase()));
    let changed = false;
    const out = query.split(/\s+/).map((word) => {
      const lower = word.toLowerCase();
      if (lower.length < 4 || known.has(lower)) return word;
      const cap = lower.length < 6 ? 1 : 2;
      let best = null;
      let bestDistance = cap + 1;
      for (const candidate of words) {
        const d = distance(lower, candidate.toLowerCase(), cap);
        if (d < bestDistance) {
          best = candidate;
          bestDistance = d;
        }
      }
      if (best === null) return word;
      changed = true;
      return best;
    });
    return changed ? out.join(" ") : null;
  }

  /* Pagefind's excerpt as nodes: its text, with only its <mark> elements kept. */
  function excerptNodes(excerpt) {
    const template = document.createElement("template");
    template.innerHTML = excerpt; // inert: nothing in a template runs or loads
    const out = document.createDocumentFragment();
    for (const node of template.content.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.append(mark);
      } else {
        out.append(document.createTextNode(node.textContent));
      }
    }
    return out;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function enhance(form) {
    const input = form.querySelector('input[name="q"]');
    if (!input) return;
    const id = `course-search-panel-${++panelCount}`;
    const panel = element("div", "course-search-panel");
    panel.id = id;
    panel.hidden = true;
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", "Search results");

    const filters = element("div", "course-search-filters");
    const selects = {};
    for (const [facet, label, any, optional] of FACETS) {
      const wrap = element("div", "course-search-filter");
      wrap.hidden = Boolean(optional); // until the build's labels say the filter has values
      const caption = element("label", "", label);
      const select = element("select");
      select.name = facet;
      select.id = caption.htmlFor = `${id}-${facet}`;
      wrap.append(caption);
      select.append(new Option(any, ""));
      select.addEventListener("change", () => run());
      wrap.append(select);
      filters.append(wrap);
      selects[facet] = select;
    }
    const status = element("p", "course-search-status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    const suggest = element("p", "course-search-suggestion");
    suggest.hidden = true;
    const list = element("ul", "course-search-results");
    const more = element("a", "course-search-more");
    panel.append(filters, suggest, status, list, more);
    form.after(panel);
    input.setAttribute("aria-controls", id);
    input.setAttribute("autocomplete", "off");

    let labels = {};
    let sequence = 0;
    let timer = 0;

    async function fillFilters() {
      labels = await loadJSON("course-filters.json");
      for (const [facet] of FACETS) {
        const select = selects[facet];
        const wanted = select.dataset.wanted || select.value;
        const values = Object.entries(labels[facet] || {});
        for (const [slug, title] of values) select.append(new Option(title, slug));
        select.value = wanted;
        select.parentElement.hidden = values.length === 0;
      }
    }
    let filled = null;
    const fill = () => filled || (filled = fillFilters());

    function place() {
      const box = input.getBoundingClientRect();
      const width = Math.min(44 * 16, window.innerWidth - 16);
      const left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8));
      panel.style.top = `${Math.round(box.bottom + 4)}px`;
      panel.style.left = `${Math.round(left)}px`;
      panel.style.width = `${Math.round(width)}px`;
      panel.style.maxHeight = `${Math.round(window.innerHeight - box.bottom - 16)}px`;
    }

    function open() {
      if (!panel.hidden) return;
      panel.hidden = false;
      place();
    }

    function close(focusInput) {
      if (panel.hidden) return;
      panel.hidden = true;
      if (focusInput) input.focus();
    }

    function chosen() {
      const out = {};
      for (const [facet] of FACETS) if (selects[facet].value) out[facet] = selects[facet].value;
      return out;
    }

    function remember(query, picked) {
      const url = new URL(location.href);
      for (const key of ["q", ...FACETS.map(([facet]) => facet)]) url.searchParams.delete(key);
      if (query || Object.keys(picked).length) {
        if (query) url.searchParams.set("q", query);
        for (const [facet, slug] of Object.entries(picked)) url.searchParams.set(facet, slug);
      }
      history.replaceState(history.state, "", url);
    }

    function render(results, data, query) {
      list.replaceChildren();
      data.forEach((item) => {
        const li = element("li", "course-search-result");
        const link = element("a", "course-search-link");
        link.href = item.url;
        const kind = item.meta.kind || "article";
        if (KIND_LABELS[kind]) link.append(element("span", `course-search-kind kind-${kind}`, KIND_LABELS[kind]));
        link.append(element("span", "course-search-title", item.meta.title || item.url));
        li.append(link);
        const line = element("span", "course-search-meta");
        if (item.meta.level) line.append(element("span", "course-search-level", item.meta.level));
        const trail = [item.meta.course, item.meta.category].filter(Boolean).join(" › ");
        if (trail) line.append(element("span", "course-search-trail", trail));
        if (line.childNodes.length) li.append(line);
        if (item.excerpt) {
          const excerpt = element("p", "course-search-excerpt");
          excerpt.append(excerptNodes(item.excerpt));
          li.append(excerpt);
        }
        list.append(li);
      });
      const action = new URL(form.getAttribute("action") || "search.html", location.href);
      action.searchParams.set("q", query);
      more.href = action.href;
      more.textContent = `All results for “${query}” on the search page`;
      more.hidden = !query;
    }

    async function search(pf, query, picked) {
      const found = await pf.search(query || null, { filters: picked });
      const results = found ? found.results : [];
      const data = await Promise.all(results.slice(0, SHOWN).map((r) => r.data()));
      const rank = (item) => KIND_ORDER[item.meta.kind] ?? 0;
      data.sort((a, b) => rank(a) - rank(b)); // stable: Pagefind's order within a kind
      return { results, data };
    }

    async function run() {
      const query = input.value.trim();
      const picked = chosen();
      remember(query, picked);
      if (!query && !Object.keys(picked).length) {
        list.replaceChildren();
        suggest.hidden = true;
        status.textContent = "";
        close(false);
        return;
      }
      const mine = ++sequence;
      open();
      panel.setAttribute("aria-busy", "true");
      let pf;
      let results;
      let data;
      try {
        pf = await loadPagefind();
        ({ results, data } = await search(pf, query, picked));
      } catch (error) {
        panel.removeAttribute("aria-busy");
        status.textContent = "Search as you type is unavailable; press Enter for the search page.";
        return;
      }
      let shownQuery = query;
      suggest.hidden = true;
      // Few results: perhaps a misspelling. A word that is in no title or glossary
      // term, one or two edits from one that is, is replaced if that finds more.
      if (results.length < FEW && query) {
        const better = suggestion(query, (await loadJSON("course-words.json")).words || []);
        const other = better ? await search(pf, better, picked) : null;
        if (other && other.results.length >= results.length) {
          ({ results, data } = other);
          shownQuery = better;
          suggest.replaceChildren("Did you mean ", element("strong", "", better), "? Showing its results.");
          suggest.hidden = false;
        }
      }
      if (mine !== sequence) return; // a later keystroke has its own results
      panel.removeAttribute("aria-busy");
      render(results, data, shownQuery);
      const count = results.length;
      const noun = count === 1 ? "result" : "results";
      status.textContent = count
        ? `${count} ${noun}${shownQuery ? ` for “${shownQuery}”` : ""}${count > SHOWN ? `, the first ${SHOWN} shown` : ""}`
        : `No results${query ? ` for “${query}”` : ""}`;
      place();
    }

    function links() {
      return [...list.querySelectorAll("a.course-search-link")];
    }

    input.addEventListener("focus", () => {
      fill();
      loadPagefind().catch(() => {});
    });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && !panel.hidden && links().length) {
        event.preventDefault();
        links()[0].focus();
      } else if (event.key === "Escape") {
        close(true);
      }
    });
    panel.addEventListener("keydown", (event) => {
      const all = links();
      const at = all.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.preventDefault();
        close(true);
      } else if (event.key === "ArrowDown" && at >= 0) {
        event.preventDefault();
        all[Math.min(at + 1, all.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        (at === 0 ? input : all[at - 1]).focus();
      }
    });
    document.addEventListener("click", (event) => {
      if (!panel.contains(event.target) && !form.contains(event.target)) close(false);
    });
    window.addEventListener("resize", () => panel.hidden || place());

    // A shared link (?q=memory&level=year-8) reopens its results; search.html
    // shows Sphinx's results for ?q= itself, so there only filters reopen the panel.
    if (panelCount > 1) return; // the first box on the page answers for the URL
    const params = new URLSearchParams(location.search);
    const onSearchPage = document.getElementById("search-results") !== null;
    let wanted = false;
    for (const [facet] of FACETS) {
      const slug = params.get(facet);
      if (slug) {
        selects[facet].dataset.wanted = slug;
        wanted = true;
      }
    }
    if (params.get("q") && (wanted || !onSearchPage)) {
      input.value = params.get("q");
      wanted = true;
    }
    if (wanted) fill().then(run);
  }

  function start() {
    const forms = document.querySelectorAll("form.sidebar-search-container, form.course-search");
    forms.forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
