/**
 * The plumbing every hand-written stand-in shares: an HTTP server on 127.0.0.1 at a free port,
 * and a stop() that also ends the SDK's keep-alive connections, which would otherwise hold the
 * server (and mocha) open after the tests finish.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { gunzipSync } from "zlib";

export interface LoopbackServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export type RequestHandler = (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void> | void;

/** Wraps an http.Server that is already listening. */
export function loopbackServerFor(server: http.Server): LoopbackServer {
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export function listenOnLoopback(server: http.Server): Promise<LoopbackServer> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(loopbackServerFor(server));
    });
  });
}

/**
 * Serves `handler` on loopback. A handler that throws answers 500 with the message, so a bug in a
 * stand-in shows up in the test's output instead of as a hung request.
 */
export function startLoopbackServer(handler: RequestHandler): Promise<LoopbackServer> {
  const server = http.createServer((request, response) => {
    Promise.resolve()
      .then(() => handler(request, response))
      .catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
        response.end(`stand-in failed: ${error instanceof Error ? error.message : String(error)}`);
      });
  });
  return listenOnLoopback(server);
}

/** The request body, gunzipped when the client compressed it (PutMetricData does above 10 KB). */
export async function readBody(request: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
}

export function sendJson(
  response: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
  contentType = "application/json",
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}
