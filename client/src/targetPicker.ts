// scoremod.pickTarget: a quick pick over the targets (data from server/src/analysis/targets.ts);
// the choice is written to the `scoremod.target` setting, which the server follows.
import * as vscode from "vscode";
import { TARGETS, isTargetId, type TargetId } from "scoremod-server/protocol";

export async function pickTarget(current: TargetId): Promise<TargetId | undefined> {
  const items = Object.values(TARGETS).map((t) => ({
    label: t.id, description: t.id === current ? "(active)" : `${t.arch}, V ≤ ${t.vecCap}`, detail: t.description, id: t.id,
  }));
  const pick = await vscode.window.showQuickPick(items, { title: "Score Mod target", placeHolder: "The kernel the analysis and generated code are for" });
  if (!pick || !isTargetId(pick.id)) return undefined;
  const scope = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration("scoremod").update("target", pick.id, scope);
  return pick.id;
}
