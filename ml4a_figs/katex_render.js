// Renders TeX to HTML with KaTeX, one JSON request per line on stdin:
//   {"tex": "...", "display": true}  ->  {"html": "..."} or {"error": "..."}
// Started once per build by ml4a_figs/mathrender.py, so node starts only once.
// Formulas come from translators too: KaTeX's commands that make links, ids, classes,
// styles or images (\href, \url, \htmlId, \htmlClass, \htmlStyle, \htmlData,
// \includegraphics) are never trusted, and a formula that uses one is refused.
const katex = require("katex");
const readline = require("readline");

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const { tex, display } = JSON.parse(line);
  const refused = [];
  let reply;
  try {
    const html = katex.renderToString(tex, {
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
