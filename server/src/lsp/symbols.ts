// Document symbols (Outline, breadcrumbs, Go to Symbol): the file's tensors, scalars and mods, from
// the analysis's facts (no second parse). A declaration's range is its `name = call(...)`, and its
// name starts it; a mod says whether it is a score or a mask mod, and its V.
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver/node";
import type { FileAnalysis } from "../analysis/facts";
import type { Range } from "../analysis/ir";
import { comparePos, toRange } from "./convert";

/** The declared name at the start of a declaration's range. */
function nameAt(range: Range, name: string): Range {
  return { start: range.start, end: { line: range.start.line, character: range.start.character + name.length } };
}

export function documentSymbols(fa: FileAnalysis): DocumentSymbol[] {
  const out: DocumentSymbol[] = [
    // Tensors are fixed data the mods index (Array); scalars are launch parameters (Variable).
    ...fa.tensors.map((t) => ({
      name: t.varName, kind: SymbolKind.Array, detail: `tensor "${t.name}" ${t.dtype} [${t.shape.join(", ")}]`,
      range: toRange(t.range), selectionRange: toRange(nameAt(t.range, t.varName)),
    })),
    ...fa.scalars.map((s) => ({
      name: s.varName, kind: SymbolKind.Variable, detail: `scalar "${s.name}" ${s.dtype} = ${s.defaultValue}`,
      range: toRange(s.range), selectionRange: toRange(nameAt(s.range, s.varName)),
    })),
    ...fa.mods.map((m) => ({
      name: m.name, kind: SymbolKind.Function, detail: `${m.kind} mod · vecSize ${m.vecSize}`,
      range: toRange(m.range), selectionRange: toRange(m.nameRange),
    })),
  ];
  return out.sort((a, b) => comparePos(a.range.start, b.range.start));
}
