// Imported first by worker.ts, so it runs before the rest of the bundle initialises (TypeScript
// and the analysis: about 0.3 s): a host that starts this process to run on the GPU (the CLI's
// bench) sets SCOREMOD_RUNNER_WARM=1, and cuInit and the context (0.1-0.3 s on an H100) then
// happen on a pool thread meanwhile. A failure here is ignored: the probe that follows says why.
import * as native from "scoremod-native";
import { WARM_ENV } from "./protocol";
import { mark } from "./timeline";

if (process.env[WARM_ENV] === "1") {
  try {
    mark("worker: context warm-up started");
    native.warmUp().catch(() => undefined);
  } catch {
    // No addon: the probe reports it.
  }
}
