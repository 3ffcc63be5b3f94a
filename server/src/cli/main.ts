// `scoremod <command>`: the headless face of the same pipeline the editor uses.
// Each command lives in its own module and returns the process exit code. The same bundle
// doubles as the analysis worker thread (server/src/budget), so it branches first.
import { isAnalysisWorker, serveAnalysis } from "../budget/entry";
import { useWorkerScript } from "../budget/workerScript";
import { VERSION } from "./version";
const USAGE = `usage: scoremod <command> [options]
       scoremod --version | -V

commands:
  check FILE|GLOB... [--target T] [--vec V] [--shape B,H,Q,KV] [--format text|json|sarif|github]   analysis: diagnostics, one line per aux load, block sparsity
  cuda FILE [--mod NAME] [--target T] [--vec V] [--preview | --ptx | --sass]   generated CUDA (and PTX or SASS via nvcc)
  export FILE --to fa4|flex [--mod NAME] [--out PATH|DIR]   FA4 CuTe-DSL or PyTorch FlexAttention Python
  bench FILE [--mod NAME] [--vec V] [--sweep] [--shape B,H,Q,KV,D] [--json] [--progress]   run and check on the GPU
  view FILE --mod NAME --out PATH.png [--shape B,H,Q,KV] [--b N] [--h N] [--at Q0,KV0]   mask and score view as a PNG
`;

type Command = (argv: string[]) => Promise<number>;
const commands: Record<string, () => Promise<{ run: Command }>> = {
  check: () => import("./check"),
  cuda: () => import("./cuda"),
  export: () => import("./export"),
  bench: () => import("./bench"),
  view: () => import("./view"),
};

export async function main(argv: string[], out: (t: string) => void = (t) => { process.stdout.write(t); }): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === "--version" || cmd === "-V" || cmd === "version") {
    out(`scoremod ${VERSION}\n`);
    return 0;
  }
  if (!cmd || cmd === "-h" || cmd === "--help" || cmd === "help") {
    out(USAGE);
    return cmd ? 0 : 2;
  }
  const load = commands[cmd];
  if (!load) {
    process.stderr.write(`scoremod: unknown command '${cmd}'\n\n${USAGE}`);
    return 2;
  }
  return (await load()).run(rest);
}

if (isAnalysisWorker()) serveAnalysis();
else start();

function start(): void {
  // TypeScript runs on user text only in a worker started from this bundle, under a budget.
  useWorkerScript(__filename);
  main(process.argv.slice(2)).then(
    (code) => exitOnceWritten(code),
    (err: unknown) => {
      // Last resort: commands report bad input themselves; this is a bug in scoremod.
      process.stderr.write(`scoremod: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      exitOnceWritten(70);
    },
  );
}

/**
 * Exits as soon as everything written has reached stdout and stderr, instead of waiting for the
 * analysis thread and the runner's pipes to wind down (about 0.1 s after a bench).
 */
function exitOnceWritten(code: number): void {
  process.exitCode = code;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}
