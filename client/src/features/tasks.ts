// The "scoremod: check workspace" task: `scoremod check` over every *.scoremod.ts of a workspace
// folder, its output read by the `$scoremod` problem matcher (client/package.json), so Problems
// lists the whole workspace, not only open files. It runs the language server's bundle in its
// check mode (`dist/server.js check ...`, the .vsix carries no dist/cli.js) with the host's
// Node (ELECTRON_RUN_AS_NODE for VS Code's Electron), with the editor's target setting.
import * as path from "node:path";
import * as vscode from "vscode";

import type { ClientContext } from "../context";
import { checkArgs, TASK_TYPE, type ScoremodTaskDefinition } from "../taskArgs";

export function activate(ctx: ClientContext): void {
  const target = (): string => ctx.settings().target;
  const bundle = path.join(__dirname, "server.js"); // dist/extension.js beside dist/server.js
  const make = (def: ScoremodTaskDefinition, scope: vscode.WorkspaceFolder | vscode.TaskScope, name: string): vscode.Task => {
    const cwd = typeof scope === "object" ? scope.uri.fsPath : undefined;
    const exec = new vscode.ProcessExecution(process.execPath, checkArgs(bundle, def, target()), { cwd, env: { ELECTRON_RUN_AS_NODE: "1" } });
    const task = new vscode.Task(def, scope, name, TASK_TYPE, exec, ["$scoremod"]);
    task.group = vscode.TaskGroup.Build;
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true };
    return task;
  };
  ctx.own(vscode.tasks.registerTaskProvider(TASK_TYPE, {
    provideTasks: () => (vscode.workspace.workspaceFolders ?? []).map((f) => make({ type: TASK_TYPE, command: "check" }, f, "check workspace")),
    resolveTask: (task) => {
      const def = task.definition as ScoremodTaskDefinition;
      if (def.command !== "check") return undefined;
      const scope = task.scope ?? vscode.TaskScope.Workspace;
      return make(def, scope === vscode.TaskScope.Global ? vscode.TaskScope.Workspace : scope, task.name);
    },
  }));
}
