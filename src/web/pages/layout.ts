/**
 * The shell every public page shares: language, viewport, one stylesheet inline (no request, no
 * script), and a footer. Pages work without JavaScript: there is none. Colours keep a contrast of at
 * least 7:1 for text and links against their backgrounds (WCAG AAA), and the table scrolls inside its
 * own box on a phone instead of widening the page.
 */
import type { Line } from '../../messages/reply';
import { lineHtml } from '../markup';
import { Html, html } from './html';

export interface PageShell {
  /** Where the site's links start: '' at the server's root, PUBLIC_URL's path under a sub-path. */
  base: string;
  title: string;
  /** More elements of <head> (feed links). */
  head?: Html;
  body: Html;
}

const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff}
main,header.site,footer.site{max-width:72rem;margin:0 auto;padding:0 1rem}
header.site{padding-top:.75rem}
a{color:#0b4a9e}
a:focus-visible,select:focus-visible,input:focus-visible,button:focus-visible{outline:3px solid #b35900;outline-offset:2px}
h1{font-size:1.75rem;line-height:1.2;margin:.5rem 0 1rem}
h2{font-size:1.3rem;margin:2rem 0 .5rem}
p,dl,ul{margin:.5rem 0}
.muted{color:#454545}
dl.counts{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.5rem 1.5rem}

dl.counts dt{font-size:.875rem;color:#454545}
dl.counts dd{margin:0;font-size:1.25rem;font-weight:600}
form.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end;margin:.5rem 0 1rem}
form.filters label{display:flex;flex-direction:column;font-size:.875rem;gap:.25rem}
select,input,button{font:inherit;padding:.35rem .5rem;border:1px solid #595959;border-radius:4px;background:#fff;color:#1b1b1b;max-width:100%}
button{background:#0b4a9e;color:#fff;border-color:#0b4a9e;cursor:pointer}
.table-wrap{position:relative;overflow-x:auto;max-width:100%;border:1px solid #d0d0d0;border-radius:4px}
table{border-collapse:collapse;width:100%;font-size:.9375rem}
caption{text-align:left;font-weight:600;padding:.5rem}
th,td{padding:.4rem .6rem;border-top:1px solid #d0d0d0;text-align:left;vertical-align:top}
thead th{background:#f0f0f0;white-space:nowrap}
td.num,th.num{text-align:right}
td.nowrap{white-space:nowrap}
img.chart{display:block;max-width:100%;height:auto;border:1px solid #d0d0d0}
.notice{border-left:4px solid #b35900;padding:.25rem .75rem;background:#fff6ec}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
ul.events li{margin-bottom:.75rem}
footer.site{margin-top:3rem;padding-bottom:2rem;border-top:1px solid #d0d0d0;font-size:.875rem;color:#454545}
`.replace(/\n/g, '');
/** The stylesheet is ours, not data: kept as written (escaping would break its quotes). */
const STYLESHEET = new Html(STYLE);

/** A whole document: `<!doctype html>` to `</html>`. */
export function renderPage(shell: PageShell): string {
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${shell.title}</title>
<style>${STYLESHEET}</style>
${shell.head}
</head>
<body>
<header class="site"><a href="${shell.base}/states">ice-watch: 287(g) agreements by state</a></header>
<main>
${shell.body}
</main>
<footer class="site"><p>Figures from ICE's published 287(g) lists and detention statistics, as ice-watch last fetched them. The page has no script and sets no cookie.</p></footer>
</body>
</html>
`}`;
}

/** A line of the neutral message model (src/messages) as HTML, as the feeds write it (src/web/markup.ts). */
export const renderLine = (line: Line): Html => new Html(lineHtml(line));
