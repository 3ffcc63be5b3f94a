// extensionTestsPath for @vscode/test-electron: loaded inside the extension host, it runs the
// mocha suite and settles when it ends (a rejection makes VS Code exit non-zero).
// mocha comes from test/e2e/package.json, installed into .e2e/node_modules by scripts/e2e.sh.
import path from "node:path";

interface MochaRunner { run(done: (failures: number) => void): void; addFile(file: string): void }
type MochaCtor = new (opts: { ui: string; color: boolean; timeout: number; reporter: string }) => MochaRunner;

export function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require("mocha") as MochaCtor;
  const mocha = new Mocha({ ui: "tdd", color: false, timeout: 90_000, reporter: "spec" });
  mocha.addFile(path.join(__dirname, "extension.test.js"));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
