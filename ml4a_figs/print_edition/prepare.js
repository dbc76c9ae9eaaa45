// Runs in the built chapter page before it is printed (edition.py): the light palette,
// every image loaded, only links that mean something on paper, a cover and a table of
// contents whose page numbers are filled in after a first printing.
// Figures float like a book's: where a figure (or anything kept whole) would not fit in
// what is left of a page and leave more than a third of it blank, the paragraphs after it
// move before it, to fill that page; the figure follows them. The pages are counted on
// the page's own layout at the paper's width (edition.py sets the viewport to it): every
// block kept whole that does not fit moves to the next page, as the printer will do.
const BLANK_AT_MOST = 0.3;
const WHOLE = "figure, .katex-display, pre, table, .admonition, details, .highlight, "
  + ".table-beside-figure, .explore, blockquote, .grid";

// The lines of a block of text (or a list's items), as [top, bottom] in the page's layout.
function lines(el) {
  const range = document.createRange();
  range.selectNodeContents(el);
  const rows = [];
  for (const r of range.getClientRects()) {
    if (r.height < 2) continue;
    const top = r.top + window.scrollY, bottom = r.bottom + window.scrollY;
    const row = rows.find((x) => top < x[1] - 2 && bottom > x[0] + 2);
    if (row) { row[0] = Math.min(row[0], top); row[1] = Math.max(row[1], bottom); }
    else rows.push([top, bottom]);
  }
  return rows.sort((a, b) => a[0] - b[0]);
}

// The room a block of text adds where a page ends inside it: the lines that do not fit
// start the next page (at least 3 lines on each side).
function breakLines(el, shift, origin, pageHeight) {
  const rows = lines(el).map(([t, b]) => [t - origin + shift, b - origin + shift]);
  let k = 0;
  while (k < rows.length) {
    const pageEnd = (Math.floor(rows[k][0] / pageHeight) + 1) * pageHeight;
    let cut = rows.findIndex((r, j) => j >= k && r[1] > pageEnd);
    if (cut < 0) break;
    const before = cut - k, after = rows.length - cut;
    if (after < 3) cut = Math.max(k, rows.length - 3);
    if (cut - k < 3 && k === 0) cut = 0;  // too few lines to leave behind: all move
    const room = pageEnd - rows[cut][0];
    if (room > 0) {
      for (let j = cut; j < rows.length; j++) { rows[j][0] += room; rows[j][1] += room; }
      shift += room;
    }
    k = cut === k ? k + 1 : cut;
    if (before < 0) break;
  }
  return shift;
}

function floatFigures(article, pageHeight) {
  if (!pageHeight) return;
  for (let guard = 0; guard < 40; guard++) {
    const moved = floatOnce(article, pageHeight);
    if (!moved) return;
  }
}

function floatOnce(article, pageHeight) {
  const blocks = [...article.children].filter((el) => getComputedStyle(el).display !== "none"
    && el.getBoundingClientRect().height > 0);
  const origin = article.getBoundingClientRect().top + window.scrollY;
  let shift = 0;  // the room earlier page breaks added above this point
  let pageEnd = pageHeight;
  const pageOf = (y) => Math.floor(y / pageHeight);
  for (let i = 0; i < blocks.length; i++) {
    const el = blocks[i];
    const box = el.getBoundingClientRect();
    if (getComputedStyle(el).breakBefore === "page") {
      const top = box.top + window.scrollY - origin + shift;
      const next = (pageOf(top) + (top % pageHeight > 1 ? 1 : 0)) * pageHeight;
      shift += next - top;
    }
    const top = box.top + window.scrollY - origin + shift;
    const bottom = top + box.height;
    pageEnd = (pageOf(top) + 1) * pageHeight;
    if (getComputedStyle(el).breakAfter === "page") {  // the cover, the contents
      shift += (pageOf(bottom - 1) + 1) * pageHeight - bottom;
      continue;
    }
    const whole = el.matches(WHOLE) || /^H[1-6]$/.test(el.tagName);
    if (!whole) {  // text breaks between lines, keeping 3 on each side (orphans, widows)
      shift = breakLines(el, shift, origin, pageHeight);
      continue;
    }
    if (bottom <= pageEnd || box.height > pageHeight) continue;
    // it does not fit: the printer moves it (and a heading just before it) to the next page
    let start = i;
    while (start > 0 && /^H[1-6]$/.test(blocks[start - 1].tagName)) start--;
    const gapTop = blocks[start].getBoundingClientRect().top + window.scrollY - origin + shift;
    const gap = pageEnd - gapTop;
    if (gap > BLANK_AT_MOST * pageHeight && el.matches("figure, .table-beside-figure, .explore")
        && start === i) {
      // the paragraphs after it, up to the next heading or figure, go before it
      const text = [];
      let filled = 0;
      for (let k = i + 1; k < blocks.length && filled < gap; k++) {
        if (!blocks[k].matches("p, ul, ol, .katex-display")) break;
        text.push(blocks[k]);
        filled += blocks[k].getBoundingClientRect().height;
      }
      // a formula closes a paragraph: never leave one on its own before the figure
      while (text.length && text[text.length - 1].matches(".katex-display")
             && blocks[i + text.length + 1] && blocks[i + text.length + 1].matches(".katex-display")) {
        text.pop();
      }
      if (text.length) {
        el.before(...text);
        el.classList.add("print-floated");
        return true;
      }
      // no text to bring forward (a heading or another figure follows): the drawing is
      // made a little smaller, down to 60 %, so that it fits what is left of the page
      const imgs = [...el.querySelectorAll("img")].filter((im) => im.getBoundingClientRect().height > 0);
      const tallest = Math.max(0, ...imgs.map((im) => im.getBoundingClientRect().height));
      const target = tallest - (box.height - gap) - 4;
      if (imgs.length && !el.classList.contains("print-shrunk") && target >= 0.6 * tallest) {
        for (const im of imgs) { im.style.width = "auto"; im.style.maxHeight = `${target}px`; }
        el.classList.add("print-shrunk");
        return true;
      }
    }
    shift += gap;
  }
  return false;
}

window.__printEdition = {
  async prepare({ cover, contentsTitle, pageHeight }) {
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
    // paper shows collapsed blocks open (Material opens them when printing): open them
    // now, so the pages counted are the pages printed
    for (const d of article.querySelectorAll("details")) d.open = true;
    floatFigures(article, pageHeight);
    // every heading (the PDF's outline has one bookmark each), and which are in the contents
    return { title: textOf(h1), headings: headings.map(textOf),
             contents: entries.map((h) => headings.indexOf(h)) };
  },

  number(pages) {  // one page number per table-of-contents entry, in order
    const slots = document.querySelectorAll(".print-toc__page");
    if (slots.length !== pages.length) throw new Error("print edition: table of contents changed");
    slots.forEach((slot, i) => { slot.textContent = String(pages[i]); });
  },
};
