// Document URIs <-> the file names the analysis and TypeScript see.
import { fileURLToPath, pathToFileURL } from "node:url";

/** file: URIs become paths; other schemes (untitled:, vscode-remote virtual docs) get a stable fake path. */
export function uriToFileName(uri: string): string {
  if (uri.startsWith("file:")) {
    try { return fileURLToPath(uri); } catch { /* fall through to the fake path */ }
  }
  const tail = uri.replace(/^[a-z][a-z0-9+.-]*:\/*/i, "").replace(/[^A-Za-z0-9._/-]/g, "_");
  const name = tail.endsWith(".ts") ? tail : `${tail}.scoremod.ts`;
  return `/__virtual__/${name}`;
}

export function fileNameToUri(fileName: string): string { return pathToFileURL(fileName).href; }

/**
 * An injective naming of open documents. uriToFileName alone is not: `untitled:a b` and
 * `untitled:a_b` give the same fake path, and so do two spellings of one file: URI
 * (`%61` for `a`). The first document keeps the natural name; a later one whose natural name
 * is taken by another open document gets a folder of its own under /__virtual__/.
 */
export class FileNames {
  private readonly byUri = new Map<string, string>();
  private readonly owner = new Map<string, string>();
  private serial = 0;

  of(uri: string): string {
    const known = this.byUri.get(uri);
    if (known !== undefined) return known;
    const natural = uriToFileName(uri);
    let name = natural;
    while (this.owner.has(name)) name = `/__virtual__/${++this.serial}/${natural.split(/[\\/]/).pop()}`;
    this.byUri.set(uri, name);
    this.owner.set(name, uri);
    return name;
  }

  has(uri: string): boolean { return this.byUri.has(uri); }

  release(uri: string): void {
    const name = this.byUri.get(uri);
    if (name === undefined) return;
    this.byUri.delete(uri);
    this.owner.delete(name);
  }
}
