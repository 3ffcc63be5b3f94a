// Starts the language server (dist/server.js, next to this bundle) over Node IPC, and sends the
// custom requests of server/src/protocol.ts with their types.
import * as path from "node:path";
import type * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import type { NotificationSpec, RequestSpec } from "scoremod-server/protocol";
import { serverSettings, type ClientSettings } from "./config";

export function createLanguageClient(output: vscode.LogOutputChannel, settings: ClientSettings): LanguageClient {
  const module = path.join(__dirname, "server.js");
  const server: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
  };
  const client: LanguageClientOptions = {
    documentSelector: [{ language: "scoremod" }],
    outputChannel: output,
    initializationOptions: serverSettings(settings),
  };
  return new LanguageClient("scoremod", "Score Mod Language Server", server, client);
}

export function sendRequest<P, R>(client: LanguageClient, spec: RequestSpec<P, R>, params: P, token?: vscode.CancellationToken): Promise<R> {
  return token ? client.sendRequest<R>(spec.method, params, token) : client.sendRequest<R>(spec.method, params);
}

export function onNotification<P>(client: LanguageClient, spec: NotificationSpec<P>, h: (p: P) => void): vscode.Disposable {
  return client.onNotification(spec.method, (p: P) => h(p));
}
