// The analysis worker: owns an AnalysisHost (the TypeScript program) and answers one request at a
// time. Everything that runs TypeScript's parser or checker on user text runs here, so the
// caller can stop it (budgetedAnalysis.ts). Started from its process's own bundle (entry.ts).
import { getHeapStatistics } from "node:v8";
import { AnalysisHost } from "../analysis/index";
import { saveCodeCache } from "../boot";
import { FAILED, READY, REPLIES, STATE, type Reply, type Request, type WorkerData } from "./protocol";

/** Rewrites the worker's in-memory name of `file` to the caller's name, anywhere in a result. */
function rename(v: unknown, from: string, to: string, depth = 0): unknown {
  if (typeof v === "string") return v === from ? to : v;
  if (!v || typeof v !== "object" || depth > 12) return v;
  if (Array.isArray(v)) return v.map((x) => rename(x, from, to, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = rename(x, from, to, depth + 1);
  return out;
}

function handle(host: AnalysisHost, r: Request): unknown {
  if (r.op === "remove") { host.removeFile(r.file); return null; }
  if (r.text !== undefined || !host.hasFile(r.file)) host.setFile(r.file, r.text ?? "");
  if (r.op === "analyze") return host.analyze(r.file, r.opts);
  // A language-service call: the caller names the file by its own name.
  const path = host.pathOf(r.file);
  const ls = host.languageService as unknown as Record<string, (...a: unknown[]) => unknown>;
  const fn = ls[r.method];
  if (typeof fn !== "function") throw new Error(`no language-service method ${r.method}`);
  return rename(fn.apply(ls, [path, ...r.args.slice(1)]), path, r.file);
}

export function serveAnalysisWorker(data: WorkerData): void {
  const { flag, port } = data;
  const reply = (m: Reply): void => {
    try {
      port.postMessage(m);
    } catch (err) {
      // A result that cannot be cloned: say so instead of leaving the caller waiting.
      port.postMessage({ id: m.id, ok: false, error: `unsendable result: ${err instanceof Error ? err.message : String(err)}` });
    }
    Atomics.add(flag, REPLIES, 1);
    Atomics.notify(flag, REPLIES);
  };
  let host: AnalysisHost;
  try {
    host = new AnalysisHost();
    // Warm up (lib and DSL typings parsed and bound) so the first request's budget is its own.
    host.setFile("warmup.scoremod.ts", 'import { scoreMod } from "scoremod";\nexport const m = scoreMod((s, b, h, q, kv) => s);\n');
    host.analyze("warmup.scoremod.ts");
    host.removeFile("warmup.scoremod.ts");
  } catch (err) {
    port.postMessage({ id: -1, ok: false, error: err instanceof Error ? err.message : String(err) });
    Atomics.store(flag, STATE, FAILED);
    Atomics.notify(flag, STATE);
    return;
  }
  port.on("message", (r: Request) => {
    let m: Reply;
    try {
      m = { id: r.id, ok: true, value: handle(host, r) };
    } catch (err) {
      m = { id: r.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    // The first real analysis has compiled what later starts need: the code cache is made now,
    // before the reply (once per bundle version), since a caller that exits on the reply (the
    // CLI) would stop this thread in the middle of writing it.
    if (r.op === "analyze") saveCodeCache();
    reply({ ...m, heapMb: getHeapStatistics().used_heap_size / 2 ** 20 });
  });
  Atomics.store(flag, STATE, READY);
  Atomics.notify(flag, STATE);
}
