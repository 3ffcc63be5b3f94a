// scoremod/heatMap: the mask and score view of a mod (server/src/view/maskView.ts). Executes the
// user's module, so server.ts only calls it for trusted workspaces, through heatMapIsolated.ts.
export { maskView as heatMap, viewAnalysis, type ViewParams } from "../view/maskView";
