// The server's view of the `scoremod.*` settings: defaults, and a tolerant reader that turns
// whatever the client sends (possibly nothing, possibly garbage) into valid settings.
import { DEFAULT_TARGET, isTargetId } from "../analysis/targets";
import type { ServerSettings } from "../protocol";

export const DEFAULT_SETTINGS: ServerSettings = { target: DEFAULT_TARGET, inlayHints: true, docsBaseUrl: "", nvccPath: "", problem: null };

/** A problem shape from the client: four positive integers below 2^31, else null. */
function readProblem(v: unknown): ServerSettings["problem"] {
  if (!v || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  const ok = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 1 && x <= 0x7fffffff;
  return ok(o.B) && ok(o.H) && ok(o.Q) && ok(o.KV) ? { B: o.B, H: o.H, Q: o.Q, KV: o.KV } : null;
}

export function readSettings(raw: unknown, prev: ServerSettings = DEFAULT_SETTINGS): ServerSettings {
  if (!raw || typeof raw !== "object") return prev;
  const r = raw as Record<string, unknown>;
  const cuda = (r.cuda && typeof r.cuda === "object" ? r.cuda : {}) as Record<string, unknown>;
  const inlay = r.inlayHints && typeof r.inlayHints === "object" ? (r.inlayHints as Record<string, unknown>).enabled : r.inlayHints;
  return {
    target: typeof r.target === "string" && isTargetId(r.target) ? r.target : prev.target,
    inlayHints: typeof inlay === "boolean" ? inlay : prev.inlayHints,
    docsBaseUrl: typeof r.docsBaseUrl === "string" ? r.docsBaseUrl : prev.docsBaseUrl,
    nvccPath: typeof r.nvccPath === "string" ? r.nvccPath : typeof cuda.nvccPath === "string" ? cuda.nvccPath : prev.nvccPath,
    problem: "problem" in r ? readProblem(r.problem) : prev.problem,
  };
}
