// The @vscode/test-electron entry: runs the in-host suite (./suite) inside a VS Code with the
// packaged extension folder (out/vsix-stage, the exact content of the .vsix) loaded as the
// extension under development.
//
// On a machine that can download VS Code, leave E2E_VSCODE_EXECUTABLE unset: runTests()
// downloads VS Code $E2E_VSCODE_VERSION (default 1.100.3, the engine the extension targets)
// and runs it (Linux desktops without a display need `xvfb-run`). Here, where nothing can be
// downloaded, scripts/e2e.sh points E2E_VSCODE_EXECUTABLE at the code-server stand-in
// (code-server-as-vscode.mjs), which runs the same suite in code-server's extension host.
//
// env: E2E_EXTENSION_DIR (extension folder), E2E_TEST_WORKSPACE (folder to open),
//      E2E_SWEEP_FIXTURE, E2E_VSCODE_EXECUTABLE, E2E_VSCODE_VERSION
import path from "node:path";
import { runTests } from "@vscode/test-electron";

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (see test/e2e/README.md)`);
  return v;
}

async function main(): Promise<number> {
  const extensionDevelopmentPath = path.resolve(env("E2E_EXTENSION_DIR"));
  // this file is bundled to .e2e/build/run-tests.cjs, next to electron/index.js
  const extensionTestsPath = path.join(__dirname, "electron", "index.js");
  const workspace = path.resolve(env("E2E_TEST_WORKSPACE"));
  const executable = process.env.E2E_VSCODE_EXECUTABLE;
  try {
    return await runTests({
      ...(executable ? { vscodeExecutablePath: path.resolve(executable) } : { version: process.env.E2E_VSCODE_VERSION || "1.100.3" }),
      extensionDevelopmentPath,
      extensionTestsPath,
      // other installed extensions would only add noise (and start-up time)
      launchArgs: [workspace, "--disable-extensions", "--skip-welcome", "--skip-release-notes"],
      extensionTestsEnv: { E2E_SWEEP_FIXTURE: path.resolve(env("E2E_SWEEP_FIXTURE")), E2E_EXTENSION_DIR: extensionDevelopmentPath },
    });
  } catch (e) {
    console.error(`in-host tests failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

main().then((code) => process.exit(code));
