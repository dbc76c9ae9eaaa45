// Renders TeX to HTML with KaTeX, one JSON request per line on stdin:
//   {"tex": "...", "display": true}  ->  {"html": "..."} or {"error": "..."}
// Started once per build by ml4a_figs/mathrender.py, so node starts only once.
const katex = require("katex");
const readline = require("readline");

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const { tex, display } = JSON.parse(line);
  let reply;
  try {
    reply = {
      html: katex.renderToString(tex, {
        displayMode: display,
        throwOnError: true,
        strict: "error",
        output: "htmlAndMathml", // MathML for screen readers, HTML for the eye
      }),
    };
  } catch (err) {
    reply = { error: String(err.message || err) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
