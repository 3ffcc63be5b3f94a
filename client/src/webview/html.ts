// The webview page shell: a strict Content-Security-Policy (no inline code without the nonce,
// only the extension's own media folder), theme colours from VS Code's CSS variables. The data
// arrives later by postMessage, so nothing from the workspace is ever interpolated into HTML.
export interface PageOptions {
  title: string;
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  scripts: string[];
  styles: string[];
}

export function csp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join("; ");
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function pageHtml(o: PageOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${o.styles.map((s) => `<link rel="stylesheet" nonce="${esc(o.nonce)}" href="${esc(s)}">`).join("\n")}
<title>${esc(o.title)}</title>
</head>
<body>
<h2 id="title">${esc(o.title)}</h2>
<div id="status" role="status">Loading…</div>
<div id="chart"></div>
<div id="heat"></div>
<table id="table"></table>
${o.scripts.map((s) => `<script nonce="${esc(o.nonce)}" src="${esc(s)}"></script>`).join("\n")}
</body>
</html>`;
}

/** A nonce from a CSPRNG (base64url, 32 chars). */
export function makeNonce(random: (n: number) => Uint8Array): string {
  return Buffer.from(random(24)).toString("base64url");
}
