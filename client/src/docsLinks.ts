// Diagnostic codes link to their docs page. The server links the shipped Markdown file
// (a page of docs/diagnostics, as a file: URI), which VS Code would open as raw text; the client
// points those links at `scoremod.openDiagnosticDocs` instead, which opens the rendered preview.
// Links to a docsBaseUrl (https) are left alone. Pure: no `vscode`.

/** The code of a shipped docs page's file: URI, else null (a web URL, or not one of ours). */
export function shippedDocsCode(href: string): string | null {
  if (!href.startsWith("file:")) return null;
  const m = /\/docs\/diagnostics\/(SM\d+)\.md$/.exec(href);
  return m ? m[1]! : null;
}

/** The command link that opens `code`'s page rendered (VS Code's Problems view and hovers follow command links). */
export function docsCommandHref(code: string): string {
  return `command:scoremod.openDiagnosticDocs?${encodeURIComponent(JSON.stringify([code]))}`;
}
