// Semantic tokens for the DSL's own names: tensors, scalars and mods, where declared and where a
// mod body uses them (the IR's loads and `.value` reads: no second parse). Standard token types
// so every theme colours them, with modifiers that say which DSL kind a name is:
//   tensor -> variable + readonly + tensor   (themes colour readonly variables as constants)
//   scalar -> variable + scalar              (a launch parameter: an ordinary variable colour)
//   mod    -> function + scoreMod | maskMod
// plus `declaration` where it is declared. A theme or user can colour a kind alone through
// `editor.semanticTokenColorCustomizations` rules such as "variable.tensor"; the client's manifest
// declares the custom modifiers (contributes.semanticTokenModifiers).
import type { SemanticTokens, SemanticTokensLegend } from "vscode-languageserver/node";
import type { FileAnalysis } from "../analysis/facts";
import { findExpr, type Pos } from "../analysis/ir";

export const TOKEN_TYPES = ["variable", "function"] as const;
export const TOKEN_MODIFIERS = ["declaration", "readonly", "tensor", "scalar", "scoreMod", "maskMod"] as const;
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
type Modifier = (typeof TOKEN_MODIFIERS)[number];

export interface Token { line: number; character: number; length: number; type: TokenType; modifiers: Modifier[] }

/** The tokens of a file, in document order, each where the text really has the name. */
export function collectTokens(fa: FileAnalysis, text: string): Token[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out = new Map<string, Token>();
  // A fact's position is trusted only where the document has the name there (a stale or
  // parenthesised position gives no token rather than a wrong one).
  const add = (at: Pos, name: string, type: TokenType, modifiers: Modifier[]): void => {
    if (lines[at.line]?.startsWith(name, at.character)) out.set(`${at.line}:${at.character}`, { line: at.line, character: at.character, length: name.length, type, modifiers });
  };
  const tensorMods: Modifier[] = ["readonly", "tensor"];
  for (const t of fa.tensors) add(t.range.start, t.varName, "variable", ["declaration", ...tensorMods]);
  for (const s of fa.scalars) add(s.range.start, s.varName, "variable", ["declaration", "scalar"]);
  const scalarVar = new Map(fa.scalars.map((s) => [s.name, s.varName]));
  for (const m of fa.mods) {
    add(m.nameRange.start, m.name, "function", ["declaration", m.kind === "score" ? "scoreMod" : "maskMod"]);
    // Every expression of the body, visited through findExpr with a predicate that never matches.
    findExpr(m.body, (e) => {
      if (e.k === "load") add(e.range.start, e.tensor, "variable", tensorMods);
      else if (e.k === "scalar") { const v = scalarVar.get(e.name); if (v) add(e.range.start, v, "variable", ["scalar"]); }
      return false;
    });
  }
  return [...out.values()].sort((a, b) => a.line - b.line || a.character - b.character);
}

/** LSP's relative encoding: five integers per token (Δline, Δstart, length, type, modifier bits). */
export function encodeTokens(tokens: readonly Token[]): SemanticTokens {
  const data: number[] = [];
  let line = 0, character = 0;
  for (const t of tokens) {
    const dl = t.line - line;
    data.push(dl, dl === 0 ? t.character - character : t.character, t.length, TOKEN_TYPES.indexOf(t.type),
      t.modifiers.reduce((bits, m) => bits | (1 << TOKEN_MODIFIERS.indexOf(m)), 0));
    line = t.line;
    character = t.character;
  }
  return { data };
}

export function semanticTokens(fa: FileAnalysis, text: string): SemanticTokens {
  return encodeTokens(collectTokens(fa, text));
}
