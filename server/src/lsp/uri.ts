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
