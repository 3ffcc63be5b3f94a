// Bundles the e2e harness (TypeScript under test/e2e) into .e2e/build with esbuild. Packages stay
// external: playwright-core and @vscode/test-electron resolve from the root node_modules, mocha
// from .e2e/node_modules (test/e2e/package.json), `vscode` from the extension host.
import { build } from "esbuild";
import { chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", ".e2e", "build");
const common = { bundle: true, platform: "node", target: "node20", packages: "external", logLevel: "warning", sourcemap: "inline" };
await Promise.all([
  build({ ...common, entryPoints: [join(here, "ui/suite.ts")], outfile: join(out, "ui-suite.mjs"), format: "esm" }),
  build({ ...common, entryPoints: [join(here, "electron/codeServerAsVscode.ts")], outfile: join(out, "code-server-as-vscode.mjs"),
    format: "esm", banner: { js: "#!/usr/bin/env node" } }),
  build({ ...common, entryPoints: [join(here, "electron/runTests.ts")], outfile: join(out, "run-tests.cjs"), format: "cjs" }),
  build({ ...common, entryPoints: [join(here, "electron/suite/index.ts")], outfile: join(out, "electron/index.js"), format: "cjs" }),
  build({ ...common, entryPoints: [join(here, "electron/suite/extension.test.ts")], outfile: join(out, "electron/extension.test.js"), format: "cjs" }),
]);
chmodSync(join(out, "code-server-as-vscode.mjs"), 0o755);
