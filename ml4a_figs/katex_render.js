// Renders TeX to HTML with KaTeX, one JSON request per line on stdin:
//   {"tex": "...", "display": true}  ->  {"html": "..."} or {"error": "..."}
// Started once per build by ml4a_figs/mathrender.py, so node starts only once.
// Formulas come from translators too: KaTeX's commands that make links, ids, classes,
// styles or images (\href, \url, \htmlId, \htmlClass, \htmlStyle, \htmlData,
// \includegraphics) are never trusted, and a formula that uses one is refused.
// Bounded: a formula may define no macro (\def, \newcommand, …: one macro expanded a few
// hundred times made 900,000 glyphs), expands at most `maxExpand` built-in macros, and
// asks for no size above `maxSize` em (one \rule printed 2,985 pages); the limits come
// with each request from ml4a_figs/mathrender.py.
const DEFINES = /\\(?:[gex]?def|(?:re)?newcommand|providecommand|let|futurelet|global|newenvironment|renewenvironment)(?![A-Za-z])/;
const katex = require("katex");
const readline = require("readline");

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const { tex, display, maxExpand, maxSize } = JSON.parse(line);
  const refused = [];
  let reply;
  try {
    const defines = DEFINES.exec(tex);
    if (defines) throw new Error(`${defines[0]} defines a macro, which a formula may not`);
    const html = katex.renderToString(tex, {
      maxExpand,
      maxSize,
      displayMode: display,
      throwOnError: true,
      strict: "error",
      trust: (context) => { refused.push(context.command); return false; },
      output: "htmlAndMathml", // MathML for screen readers, HTML for the eye
    });
    reply = refused.length
      ? { error: `${refused[0]} is not allowed in a formula: it would make a link, an id, ` +
                 "a class, a style or an image in readers' pages" }
      : { html };
  } catch (err) {
    reply = { error: String(err.message || err) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
