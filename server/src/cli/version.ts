// The CLI's version: the `scoremod-server` package's (server/package.json, which holds the
// `scoremod` bin), bundled into dist/cli.js at build time.
import pkg from "../../package.json";

export const VERSION: string = pkg.version;
export const TOOL_NAME = "scoremod";
