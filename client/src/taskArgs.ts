// The "scoremod: check workspace" task's definition and command line (no vscode import, so
// unit tests can load it; tasks.ts registers the provider).
export const TASK_TYPE = "scoremod";
export const DEFAULT_FILES = ["**/*.scoremod.ts"];

/** tasks.json: { "type": "scoremod", "command": "check", "files": [...], "target": "..." } */
export interface ScoremodTaskDefinition {
  type: string;
  command: "check";
  files?: string[];
  target?: string;
  [key: string]: unknown;
}

/** The command line of a task (without the Node binary). */
export function checkArgs(serverBundle: string, def: Pick<ScoremodTaskDefinition, "files" | "target">, defaultTarget: string): string[] {
  const files = def.files?.length ? def.files : DEFAULT_FILES;
  return [serverBundle, "check", ...files, "--target", def.target ?? defaultTarget, "--color", "never"];
}
