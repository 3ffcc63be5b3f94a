// Wires the language features to an LSP connection. Used by main.ts (IPC/stdio) and by the tests
// (an in-memory stream pair), so the tests exercise exactly what the editor talks to.
import {
  TextDocuments, TextDocumentSyncKind, type CancellationToken, type Connection, type InitializeResult, type Range,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { isTargetId, type TargetId } from "../analysis/targets";
import {
  AnalysisChangedNotification, AnalysisRequest, CudaRequest, ExportRequest, PtxRequest, SassRequest, SetTargetRequest,
  type GeneratedParams, type NotificationSpec, type PtxResult, type RequestSpec, type SassResult, type ServerSettings,
} from "../protocol";
import { EXPORT_FLAVORS, isExportFlavor } from "../codegen/exports";
import type { Backend } from "./backend";
import { codeActions } from "./codeActions";
import { tsCodeFixes } from "./tsCodeFixes";
import { documentSymbols } from "./symbols";
import { LEGEND as SEMANTIC_LEGEND, semanticTokens } from "./semanticTokens";
import type { FileAnalysis } from "../analysis/facts";
import { baseLink, type DocsLink } from "./convert";
import { DiagnosticScheduler } from "./diagnostics";
import type { Generators } from "./generated";
import { factHover } from "./hover";
import { inlayHints } from "./inlayHints";
import { safely, safelyAsync } from "./safe";
import { DEFAULT_SETTINGS, readSettings } from "./settings";
import { DocState } from "./state";
import * as tsf from "./tsFeatures";

export interface ServerOptions {
  backend: Backend;
  generators: Generators;
  /** Folder holding docs/diagnostics/<CODE>.md (default docs link target when no URL is set). */
  docsDir?: string;
  debounceMs?: number;
}

/** Typed registration of a protocol.ts request. */
function onRequest<P, R>(c: Connection, spec: RequestSpec<P, R>, h: (p: P, token: CancellationToken) => R | Promise<R>): void {
  // Results are plain JSON data; the cast only bridges the generic handler's union type.
  c.onRequest(spec.method, (p: P, token: CancellationToken) => h(p, token) as Promise<unknown>);
}
function notify<P>(c: Connection, spec: NotificationSpec<P>, p: P): void { void c.sendNotification(spec.method, p); }

export function startServer(connection: Connection, opts: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let annotations = false;
  let needsConfirmation = false;
  let pullConfig = false;
  const log = (m: string): void => connection.console.error(m);
  const state = new DocState(opts.backend, () => settings.target, () => settings.problem);
  // A URL from the settings links every SM code; the local docs folder links only codes with a page.
  const localDocs = new Map<string, string | null>();
  const docsLink = (): DocsLink => {
    if (settings.docsBaseUrl) return baseLink(settings.docsBaseUrl);
    const dir = opts.docsDir;
    return (code) => {
      if (!dir) return null;
      if (!localDocs.has(code)) {
        const file = join(dir, `${code}.md`);
        localDocs.set(code, existsSync(file) ? pathToFileURL(file).href : null);
      }
      return localDocs.get(code) ?? null;
    };
  };

  const scheduler = new DiagnosticScheduler({
    document: (uri) => documents.get(uri),
    analyse: (doc) => state.get(doc),
    publish: (uri, version, diagnostics) => { void connection.sendDiagnostics({ uri, version, diagnostics }); },
    changed: (p) => { notify(connection, AnalysisChangedNotification, p); },
    docsLink,
    log,
  }, opts.debounceMs);

  const reanalyseAll = (): void => { for (const d of documents.all()) scheduler.schedule(d.uri, 0); };
  const applySettings = (raw: unknown): void => {
    const before = settings;
    settings = readSettings(raw, settings);
    if (typeof raw === "object" && raw && typeof (raw as Record<string, unknown>).previewFixes === "boolean") {
      needsConfirmation = (raw as Record<string, boolean>).previewFixes;
    }
    if (before.target !== settings.target || before.docsBaseUrl !== settings.docsBaseUrl || JSON.stringify(before.problem) !== JSON.stringify(settings.problem)) reanalyseAll();
    if (before.inlayHints !== settings.inlayHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
  };

  connection.onInitialize(safely("initialize", log, { capabilities: {} } as InitializeResult, (params) => {
    applySettings(params.initializationOptions);
    const ws = params.capabilities.workspace;
    annotations = !!ws?.workspaceEdit?.changeAnnotationSupport && !!ws.workspaceEdit.documentChanges;
    pullConfig = !!ws?.configuration;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix"] },
        completionProvider: { triggerCharacters: ["."], resolveProvider: true },
        signatureHelpProvider: { triggerCharacters: ["(", ","] },
        definitionProvider: true,
        documentSymbolProvider: { label: "Score Mod" },
        semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true },
      },
      serverInfo: { name: "scoremod-language-server", version: "0.1.0" },
    };
  }));

  connection.onDidChangeConfiguration(safely("didChangeConfiguration", log, undefined, (p) => {
    const pushed = (p.settings as Record<string, unknown> | null)?.scoremod;
    if (pushed) applySettings(pushed);
    else if (pullConfig) {
      connection.workspace.getConfiguration("scoremod").then(applySettings, (e: unknown) => log(`[configuration] ${String(e)}`));
    }
  }));

  documents.onDidOpen((e) => scheduler.schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => scheduler.schedule(e.document.uri));
  documents.onDidClose((e) => {
    scheduler.cancel(e.document.uri);
    state.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const entryFor = (uri: string) => {
    const doc = documents.get(uri);
    return doc ? { doc, entry: state.get(doc) } : null;
  };
  const tsContext = (uri: string): tsf.TsContext | null => {
    const doc = documents.get(uri);
    if (!doc) return null;
    state.get(doc); // keeps the language service's copy of the file current
    const svc = opts.backend.languageService(state.fileName(uri));
    return svc ? { ...svc, doc } : null;
  };

  connection.onHover(safely("hover", log, null, (p) => {
    const e = entryFor(p.textDocument.uri);
    if (!e) return null;
    const fact = factHover(e.entry.analysis, p.position);
    if (fact) return fact;
    const c = tsContext(p.textDocument.uri);
    return c ? tsf.quickInfo(c, p.position) : null;
  }));

  connection.languages.inlayHint.on(safely("inlayHint", log, [], (p) => {
    if (!settings.inlayHints) return [];
    const e = entryFor(p.textDocument.uri);
    return e ? inlayHints(e.entry.analysis, p.range) : [];
  }));

  connection.onDocumentSymbol(safely("documentSymbol", log, [], (p) => {
    const e = entryFor(p.textDocument.uri);
    return e ? documentSymbols(e.entry.analysis) : [];
  }));

  connection.languages.semanticTokens.on(safely("semanticTokens", log, { data: [] }, (p) => {
    const e = entryFor(p.textDocument.uri);
    return e ? semanticTokens(e.entry.analysis, e.doc.getText()) : { data: [] };
  }));

  // TypeScript's fixes on their own: a failure there still leaves the analysis's fixes.
  const tsFixesAt = safely("codeAction(ts)", log, [], (uri: string, analysis: FileAnalysis, range: Range) => {
    const c = tsContext(uri);
    return c ? tsCodeFixes(c, analysis.diagnostics, range) : [];
  });
  connection.onCodeAction(safely("codeAction", log, [], (p) => {
    const e = entryFor(p.textDocument.uri);
    if (!e) return [];
    return codeActions(e.entry.analysis, p.range, p.context.only, {
      uri: p.textDocument.uri, version: e.doc.version, docsLink: docsLink(), annotations, needsConfirmation,
    }, () => tsFixesAt(p.textDocument.uri, e.entry.analysis, p.range));
  }));

  connection.onCompletion(safely("completion", log, { isIncomplete: false, items: [] }, (p) => {
    const c = tsContext(p.textDocument.uri);
    return c ? tsf.completion(c, p.position) : { isIncomplete: false, items: [] };
  }));
  connection.onCompletionResolve(safely("completionResolve", log, null as never, (item) => {
    const data = item.data as tsf.CompletionData | undefined;
    const c = data ? tsContext(data.uri) : null;
    return c && data ? tsf.resolveCompletion(c, item, data) : item;
  }));
  connection.onSignatureHelp(safely("signatureHelp", log, null, (p) => {
    const c = tsContext(p.textDocument.uri);
    return c ? tsf.signatureHelp(c, p.position) : null;
  }));
  connection.onDefinition(safely("definition", log, [], (p) => {
    const c = tsContext(p.textDocument.uri);
    return c ? tsf.definition(c, p.position) : [];
  }));

  // ---- custom requests (protocol.ts) ----
  onRequest(connection, AnalysisRequest, safely("scoremod/analysis", log, { version: -1, analysis: null }, (p) => {
    const e = entryFor(p.uri);
    return e ? { version: e.entry.version, analysis: e.entry.analysis } : { version: -1, analysis: null };
  }));

  const notOpen = (uri: string) => ({ ok: false as const, error: `Document is not open in the language server: ${uri}` });
  const targetOf = (t: string | undefined): TargetId | string =>
    t === undefined ? settings.target : t;
  const analysisFor = (uri: string, target: TargetId, vecSize: number | undefined) => {
    const doc = documents.get(uri);
    if (!doc) return null;
    if (target === settings.target && vecSize === undefined) return state.get(doc).analysis;
    return opts.backend.analyze(state.fileName(uri), doc.getText(), target, vecSize);
  };
  const badTarget = (t: string) => ({ ok: false as const, error: `Unknown target "${t}"` });
  // Parameters are checked here, not defaulted: a bad one is the client's bug, said plainly.
  const badVecSize = (v: unknown) =>
    v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 128 && 2 ** Math.round(Math.log2(v)) === v)
      ? null : { ok: false as const, error: `vecSize must be a power of two from 1 to 128, got ${JSON.stringify(v) ?? String(v)}` };

  onRequest(connection, CudaRequest, safely("scoremod/cuda", log, { ok: false, error: "internal error (see the server log)" }, (p) => {
    const t = targetOf(p.target);
    if (!isTargetId(t)) return badTarget(t);
    const bad = badVecSize(p.vecSize);
    if (bad) return bad;
    const a = analysisFor(p.uri, t, p.vecSize);
    return a ? opts.generators.cuda(a, p.mod) : notOpen(p.uri);
  }));
  // PTX and SASS: nvcc (and for SASS a disassembler) on the mod's translation unit.
  const viaToolkit = <R>(kind: "ptx" | "sass", method: string) => safelyAsync(method, log, { ok: false as const, error: "internal error (see the server log)" },
    async (p: GeneratedParams, token: CancellationToken): Promise<R | { ok: false; error: string }> => {
      const t = targetOf(p.target);
      if (!isTargetId(t)) return badTarget(t);
      const bad = badVecSize(p.vecSize);
      if (bad) return bad;
      const a = analysisFor(p.uri, t, p.vecSize);
      const text = documents.get(p.uri)?.getText() ?? "";
      if (!a) return notOpen(p.uri);
      // Cancelling the request stops nvcc (and what it started), not only the reply.
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await opts.generators[kind](a, p.mod, { nvccPath: settings.nvccPath, sourceText: text, isCancelled: () => token.isCancellationRequested, signal: abort.signal }) as R;
      } finally {
        sub.dispose();
      }
    });
  onRequest(connection, PtxRequest, viaToolkit<PtxResult>("ptx", PtxRequest.method));
  onRequest(connection, SassRequest, viaToolkit<SassResult>("sass", SassRequest.method));
  onRequest(connection, ExportRequest, safely("scoremod/export", log, { ok: false, error: "internal error (see the server log)" }, (p) => {
    const t = targetOf(p.target);
    if (!isTargetId(t)) return badTarget(t);
    if (!isExportFlavor(p.flavor)) return { ok: false as const, error: `flavor must be ${EXPORT_FLAVORS.map((f) => `"${f}"`).join(" or ")}, got ${JSON.stringify(p.flavor) ?? String(p.flavor)}` };
    const a = analysisFor(p.uri, t, undefined);
    return a ? opts.generators.export(a, p.mod, p.flavor) : notOpen(p.uri);
  }));
  onRequest(connection, SetTargetRequest, safely("scoremod/setTarget", log, { ok: false, error: "internal error" }, (p) => {
    if (!isTargetId(p.target)) return badTarget(p.target);
    if (p.target !== settings.target) {
      settings = { ...settings, target: p.target };
      reanalyseAll();
    }
    return { ok: true as const, target: settings.target };
  }));

  connection.onShutdown(() => scheduler.dispose());
  documents.listen(connection);
  connection.listen();
}
