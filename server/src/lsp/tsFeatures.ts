// Completion (with auto-import from "scoremod"), signature help, go-to-definition and quick-info
// hover through TypeScript's own language service (the one ts-morph keeps for the analysis, run
// under the analysis's budget), so a .scoremod.ts file behaves like any TypeScript file.
// Offsets <-> positions go through the LSP TextDocument.
import { ts } from "ts-morph";
import {
  CompletionItemKind, MarkupKind, type CompletionItem, type CompletionList, type Hover, type Location, type Position,
  type SignatureHelp, type TextEdit,
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

/** Data stored on a completion item for completionItem/resolve (`entry`: TypeScript's own, which auto-imports need). */
export interface CompletionData { uri: string; offset: number; name: string; source?: string; entry?: ts.CompletionEntryData }

/**
 * TypeScript's preferences for completion and code fixes: names exported by "scoremod" are offered
 * where they are not imported yet, and choosing one adds the import (auto-import).
 */
export const TS_PREFERENCES: ts.UserPreferences = {
  includeCompletionsForModuleExports: true,
  includeCompletionsWithInsertText: true,
  includeCompletionsForImportStatements: true,
  quotePreference: "double",
};

/** At most this many items: the list is re-requested as the user types, so a cap costs nothing. */
const MAX_ITEMS = 500;

export function completion(c: TsContext, pos: Position): CompletionList {
  const offset = c.doc.offsetAt(pos);
  const info = c.ls.getCompletionsAtPosition(c.fileName, offset, TS_PREFERENCES);
  if (!info) return { isIncomplete: false, items: [] };
  const items = info.entries.slice(0, MAX_ITEMS).map((e) => {
    const data: CompletionData = { uri: c.doc.uri, offset, name: e.name, source: e.source, entry: e.data };
    const item: CompletionItem = { label: e.name, kind: KIND[e.kind] ?? CompletionItemKind.Text, sortText: e.sortText, data };
    // An auto-import says where from, as VS Code's TypeScript does.
    if (e.hasAction && e.source) item.labelDetails = { description: e.source };
    if (e.insertText) item.insertText = e.insertText;
    if (e.replacementSpan) {
      item.textEdit = {
        range: { start: c.doc.positionAt(e.replacementSpan.start), end: c.doc.positionAt(e.replacementSpan.start + e.replacementSpan.length) },
        newText: e.insertText ?? e.name,
      };
    }
    return item;
  });
  return { isIncomplete: info.entries.length > MAX_ITEMS, items };
}

/** TypeScript's edits to this document (edits to other files, such as the DSL typings, are dropped). */
export function editsIn(c: Pick<TsContext, "fileName" | "doc">, changes: readonly ts.FileTextChanges[]): TextEdit[] {
  return changes.filter((f) => f.fileName === c.fileName).flatMap((f) => f.textChanges.map((t) => ({
    range: { start: c.doc.positionAt(t.span.start), end: c.doc.positionAt(t.span.start + t.span.length) },
    newText: t.newText,
  })));
}

export function resolveCompletion(c: TsContext, item: CompletionItem, data: CompletionData): CompletionItem {
  const d = c.ls.getCompletionEntryDetails(c.fileName, data.offset, data.name, {}, data.source, TS_PREFERENCES, data.entry);
  if (!d) return item;
  item.detail = ts.displayPartsToString(d.displayParts);
  const doc = ts.displayPartsToString(d.documentation);
  if (doc) item.documentation = { kind: MarkupKind.Markdown, value: doc };
  // The auto-import: `import { idiv } from "scoremod"` (or the name added to the existing import).
  const edits = editsIn(c, (d.codeActions ?? []).flatMap((a) => a.changes));
  if (edits.length) {
    item.additionalTextEdits = edits;
    const what = d.codeActions?.[0]?.description;
    if (what) item.detail = `${what}\n${item.detail}`;
  }
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
