// Completion, signature help, go-to-definition and quick-info hover through TypeScript's own
// language service (the one ts-morph keeps for the analysis), so a .scoremod.ts file behaves
// like any TypeScript file. Offsets <-> positions go through the LSP TextDocument.
import { ts } from "ts-morph";
import {
  CompletionItemKind, MarkupKind, type CompletionItem, type Hover, type Location, type Position,
  type SignatureHelp,
} from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";

export interface TsContext {
  ls: ts.LanguageService;
  /** The document's file name inside the language service. */
  fileName: string;
  doc: TextDocument;
  /** Maps a definition in another file (e.g. the embedded DSL typings) to a real location, or null. */
  locate(fileName: string, start: number, length: number): Location | null;
}

const KIND: Record<string, CompletionItemKind> = {
  [ts.ScriptElementKind.keyword]: CompletionItemKind.Keyword,
  [ts.ScriptElementKind.functionElement]: CompletionItemKind.Function,
  [ts.ScriptElementKind.memberFunctionElement]: CompletionItemKind.Method,
  [ts.ScriptElementKind.memberVariableElement]: CompletionItemKind.Field,
  [ts.ScriptElementKind.memberGetAccessorElement]: CompletionItemKind.Property,
  [ts.ScriptElementKind.variableElement]: CompletionItemKind.Variable,
  [ts.ScriptElementKind.constElement]: CompletionItemKind.Constant,
  [ts.ScriptElementKind.letElement]: CompletionItemKind.Variable,
  [ts.ScriptElementKind.localVariableElement]: CompletionItemKind.Variable,
  [ts.ScriptElementKind.parameterElement]: CompletionItemKind.Variable,
  [ts.ScriptElementKind.interfaceElement]: CompletionItemKind.Interface,
  [ts.ScriptElementKind.typeElement]: CompletionItemKind.TypeParameter,
  [ts.ScriptElementKind.alias]: CompletionItemKind.Reference,
  [ts.ScriptElementKind.moduleElement]: CompletionItemKind.Module,
  [ts.ScriptElementKind.string]: CompletionItemKind.Value,
};

/** Data stored on a completion item for completionItem/resolve. */
export interface CompletionData { uri: string; offset: number; name: string; source?: string }

export function completion(c: TsContext, pos: Position): CompletionItem[] {
  const offset = c.doc.offsetAt(pos);
  const info = c.ls.getCompletionsAtPosition(c.fileName, offset, { includeCompletionsWithInsertText: true });
  if (!info) return [];
  return info.entries.slice(0, 500).map((e) => {
    const data: CompletionData = { uri: c.doc.uri, offset, name: e.name, source: e.source };
    const item: CompletionItem = { label: e.name, kind: KIND[e.kind] ?? CompletionItemKind.Text, sortText: e.sortText, data };
    if (e.insertText) item.insertText = e.insertText;
    if (e.replacementSpan) {
      item.textEdit = {
        range: { start: c.doc.positionAt(e.replacementSpan.start), end: c.doc.positionAt(e.replacementSpan.start + e.replacementSpan.length) },
        newText: e.insertText ?? e.name,
      };
    }
    return item;
  });
}

export function resolveCompletion(c: TsContext, item: CompletionItem, data: CompletionData): CompletionItem {
  const d = c.ls.getCompletionEntryDetails(c.fileName, data.offset, data.name, undefined, data.source, undefined, undefined);
  if (!d) return item;
  item.detail = ts.displayPartsToString(d.displayParts);
  const doc = ts.displayPartsToString(d.documentation);
  if (doc) item.documentation = { kind: MarkupKind.Markdown, value: doc };
  return item;
}

export function signatureHelp(c: TsContext, pos: Position): SignatureHelp | null {
  const h = c.ls.getSignatureHelpItems(c.fileName, c.doc.offsetAt(pos), undefined);
  if (!h) return null;
  return {
    activeSignature: h.selectedItemIndex,
    activeParameter: h.argumentIndex,
    signatures: h.items.map((it) => {
      const params = it.parameters.map((p) => ts.displayPartsToString(p.displayParts));
      const sep = ts.displayPartsToString(it.separatorDisplayParts);
      const label = ts.displayPartsToString(it.prefixDisplayParts) + params.join(sep) + ts.displayPartsToString(it.suffixDisplayParts);
      const doc = ts.displayPartsToString(it.documentation);
      return {
        label,
        documentation: doc ? { kind: MarkupKind.Markdown, value: doc } : undefined,
        parameters: it.parameters.map((p, i) => ({ label: params[i], documentation: ts.displayPartsToString(p.documentation) || undefined })),
      };
    }),
  };
}

export function definition(c: TsContext, pos: Position): Location[] {
  const defs = c.ls.getDefinitionAtPosition(c.fileName, c.doc.offsetAt(pos)) ?? [];
  const out: Location[] = [];
  for (const d of defs) {
    if (d.fileName === c.fileName) {
      out.push({ uri: c.doc.uri, range: { start: c.doc.positionAt(d.textSpan.start), end: c.doc.positionAt(d.textSpan.start + d.textSpan.length) } });
    } else {
      const loc = c.locate(d.fileName, d.textSpan.start, d.textSpan.length);
      if (loc) out.push(loc);
    }
  }
  return out;
}

export function quickInfo(c: TsContext, pos: Position): Hover | null {
  const q = c.ls.getQuickInfoAtPosition(c.fileName, c.doc.offsetAt(pos));
  if (!q) return null;
  const sig = ts.displayPartsToString(q.displayParts);
  const doc = ts.displayPartsToString(q.documentation);
  const value = ["```typescript", sig, "```", doc].filter(Boolean).join("\n");
  return {
    contents: { kind: MarkupKind.Markdown, value },
    range: { start: c.doc.positionAt(q.textSpan.start), end: c.doc.positionAt(q.textSpan.start + q.textSpan.length) },
  };
}
