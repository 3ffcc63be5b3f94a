// `scoremod.trace.server` (off | messages | verbose) wired to the language client's trace.
// vscode-languageclient 11 traces only when its trace channel's log level is Trace, and then reads
// `<client id>.trace.server` for messages vs verbose (reading "off" as messages). So the trace
// channel here is a plain output channel behind a LogOutputChannel whose level follows the
// setting: Trace unless "off"; a change fires onDidChangeLogLevel and the client re-sends
// $/setTrace to the server.
import * as vscode from "vscode";
import type { TraceSetting } from "./config";

export class ServerTraceChannel implements vscode.LogOutputChannel {
  private readonly out: vscode.OutputChannel;
  private readonly levelChanged = new vscode.EventEmitter<vscode.LogLevel>();
  private level: vscode.LogLevel;
  readonly onDidChangeLogLevel = this.levelChanged.event;

  constructor(readonly name: string, setting: TraceSetting) {
    this.out = vscode.window.createOutputChannel(name);
    this.level = ServerTraceChannel.levelOf(setting);
  }

  private static levelOf(s: TraceSetting): vscode.LogLevel { return s === "off" ? vscode.LogLevel.Off : vscode.LogLevel.Trace; }

  get logLevel(): vscode.LogLevel { return this.level; }

  /** The setting changed: the client re-reads it (messages or verbose) or stops tracing. */
  update(setting: TraceSetting): void {
    const next = ServerTraceChannel.levelOf(setting);
    if (next === this.level) return;
    this.level = next;
    this.levelChanged.fire(next);
  }

  trace(message: string): void { if (this.level !== vscode.LogLevel.Off) this.out.appendLine(message); }
  debug(message: string): void { this.trace(message); }
  info(message: string): void { this.trace(message); }
  warn(message: string): void { this.trace(message); }
  error(error: string | Error): void { this.trace(error instanceof Error ? error.stack ?? error.message : error); }
  append(value: string): void { this.out.append(value); }
  appendLine(value: string): void { this.out.appendLine(value); }
  replace(value: string): void { this.out.replace(value); }
  clear(): void { this.out.clear(); }
  show(column?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof column === "boolean") this.out.show(column); else this.out.show(column, preserveFocus);
  }
  hide(): void { this.out.hide(); }
  dispose(): void { this.levelChanged.dispose(); this.out.dispose(); }
}
