/**
 * The HTML page around the report's charts and tables: inline CSS only (no scripts, fonts or
 * other fetched resources), so the file opens anywhere without a network.
 */

import { esc } from './svg/markup.js';

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;margin:0;background:#f6f7f9;line-height:1.45}
main{max-width:1140px;margin:0 auto;padding:20px 24px 60px;background:#fff}
h1{font-size:24px;margin:4px 0 4px}h2{font-size:19px;margin:34px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:22px 0 6px}
p.lead{color:#444;margin:0 0 10px}p.note{color:#555;font-size:13px;margin:4px 0 10px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;font-size:13px;margin:10px 0}dl.meta dt{color:#666}dl.meta dd{margin:0}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:12px}
figure{margin:10px 0}figcaption{font-size:13px;color:#444;margin-top:2px}
svg{display:block;max-width:100%;height:auto;background:#fff}
svg .grid{stroke:#e6e6e6;stroke-width:1}svg .plot-frame{fill:none;stroke:#999;stroke-width:1}svg .tick{stroke:#999}
svg .axis-title{font-weight:600;fill:#222}svg .band-a{fill:#f1f4f9}svg .band-b{fill:#fbf6ee}svg .band-label{fill:#555;font-style:italic}
svg .label-faded{fill:#888}
div.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:13px;margin:8px 0 16px}th,td{border-bottom:1px solid #e3e3e3;padding:4px 9px;text-align:right;white-space:nowrap}
th{background:#f2f3f5;font-weight:600;white-space:normal;vertical-align:bottom}table.num th{max-width:110px}td:first-child,th:first-child{text-align:left}
table.arch td:nth-child(2),table.arch th:nth-child(2){text-align:left}caption{text-align:left;font-weight:600;padding:4px 0}
tr.dominated td{color:#888}tr.seed td{font-style:italic}tr.total td{font-weight:600;border-top:2px solid #ccc}
.swatch{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:baseline}
.bar{display:inline-block;width:70px;height:9px;background:#eee;vertical-align:middle}.bar span{display:block;height:100%}
code{font-size:12px}
`;

export interface PageParts {
  title: string;
  body: string;
}

export function page(p: PageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${p.body}
</main>
</body>
</html>
`;
}
