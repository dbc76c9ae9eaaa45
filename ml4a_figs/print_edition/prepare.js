// Runs in the built chapter page before it is printed (printer.py): the light palette,
// every image loaded, only links that mean something on paper, a cover and a table of
// contents whose page numbers are filled in after a first printing.
window.__printEdition = {
  async prepare({ cover, contentsTitle }) {
    const body = document.body;
    body.setAttribute("data-md-color-scheme", "default");  // never the dark palette
    try { localStorage.removeItem("__palette"); } catch (e) { /* storage may be off */ }

    const article = document.querySelector("article.md-content__inner")
      || document.querySelector(".md-content__inner");
    const h1 = article && article.querySelector("h1");
    if (!h1) throw new Error("print edition: the chapter page has no <h1>");

    // Links to other pages of the site lead nowhere on paper: keep their words only.
    for (const a of article.querySelectorAll("a[href]")) {
      const href = a.getAttribute("href");
      if (!href.startsWith("#") && !/^(https?:|mailto:)/.test(href)) a.removeAttribute("href");
      // an address is printed as a reader types it: %EA%B2%BD... as the words it encodes
      else if (/%[0-9A-Fa-f]{2}/.test(href)) {
        try { a.setAttribute("data-print-url", decodeURI(href)); } catch (e) { /* kept */ }
      }
    }

    const el = (tag, cls, text) => {
      const node = document.createElement(tag);
      if (cls) node.className = cls;
      if (text !== undefined) node.textContent = text;
      return node;
    };
    const textOf = (heading) => {
      const copy = heading.cloneNode(true);
      copy.querySelectorAll(".headerlink").forEach((n) => n.remove());
      return copy.textContent.replace(/\s+/g, " ").trim();
    };

    const front = el("section", "print-cover print-only");
    front.append(el("p", "print-cover__title", textOf(h1)));
    const copyright = document.querySelector(".md-copyright__highlight");
    for (const [cls, text] of cover) {  // null: the page's own copyright line
      const words = text ?? (copyright ? copyright.textContent.replace(/\s+/g, " ").trim() : "");
      if (!words) throw new Error(`print edition: nothing to print as the cover's ${cls}`);
      front.append(el("p", `print-cover__${cls}`, words));
    }

    const shown = (h) => getComputedStyle(h).display !== "none" && h.offsetParent !== null;
    const headings = [...article.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(shown);
    const entries = headings.filter((h) => h.tagName === "H2" || h.tagName === "H3");
    const toc = el("nav", "print-toc print-only");
    toc.append(el("p", "print-toc__title", contentsTitle));
    const list = el("ol", "print-toc__list");
    for (const h of entries) {
      const item = el("li", `print-toc__item print-toc__item--${h.tagName.toLowerCase()}`);
      const link = el("a", "print-toc__link");
      link.href = `#${h.id}`;
      link.append(el("span", "print-toc__text", textOf(h)));
      link.append(el("span", "print-toc__page", "000"));  // the width of the final number
      item.append(link);
      list.append(item);
    }
    toc.append(list);
    h1.before(front, toc);

    for (const img of document.images) img.loading = "eager";
    await Promise.all([...document.images].map((img) => (img.complete ? null
      : new Promise((done) => { img.addEventListener("load", done); img.addEventListener("error", done); }))));
    const broken = [...document.images].filter((img) => shown(img) && !img.naturalWidth);
    if (broken.length) throw new Error(`print edition: images did not load: ${broken.map((i) => i.src).join(", ")}`);
    await document.fonts.ready;
    // every heading (the PDF's outline has one bookmark each), and which are in the contents
    return { headings: headings.map(textOf), contents: entries.map((h) => headings.indexOf(h)) };
  },

  number(pages) {  // one page number per table-of-contents entry, in order
    const slots = document.querySelectorAll(".print-toc__page");
    if (slots.length !== pages.length) throw new Error("print edition: table of contents changed");
    slots.forEach((slot, i) => { slot.textContent = String(pages[i]); });
  },
};
