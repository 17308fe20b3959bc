/**
 * The X-Ray daemon as a function sees it: a UDP port on loopback (AWS_XRAY_DAEMON_ADDRESS) that
 * takes segment documents, each datagram a header line `{"format": "json", "version": 1}` and the
 * document. It keeps what arrives, so the local run and the tests can see what a function traced.
 * In Lambda the X-Ray SDK sends every subsegment as its own document when it closes, naming its
 * trace and parent.
 */
import * as dgram from "dgram";
import type { AddressInfo } from "net";

/** The fields of a segment document the tests and the summary read. */
export interface SegmentDocument {
  id: string;
  name: string;
  trace_id: string;
  parent_id?: string;
  type?: string;
  namespace?: string;
  start_time: number;
  end_time?: number;
  annotations?: Record<string, string | number | boolean>;
  aws?: Record<string, unknown>;
  http?: { request?: { url?: string; method?: string }; response?: { status?: number } };
  error?: boolean;
  fault?: boolean;
  subsegments?: SegmentDocument[];
  [field: string]: unknown;
}

export interface XRayDaemon {
  /** "127.0.0.1:<port>", as AWS_XRAY_DAEMON_ADDRESS takes it. */
  readonly address: string;
  readonly documents: readonly SegmentDocument[];
  /** Datagrams that were not a header line and a JSON document. */
  readonly malformed: number;
  stop(): Promise<void>;
}

export async function startXRayDaemon(): Promise<XRayDaemon> {
  const socket = dgram.createSocket("udp4");
  const documents: SegmentDocument[] = [];
  let malformed = 0;
  socket.on("message", (message) => {
    const text = message.toString("utf8");
    const newline = text.indexOf("\n");
    try {
      const header = JSON.parse(text.slice(0, newline)) as { format?: string };
      if (newline < 0 || header.format !== "json") throw new Error("not a segment datagram");
      documents.push(JSON.parse(text.slice(newline + 1)) as SegmentDocument);
    } catch {
      malformed += 1;
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      socket.off("error", reject);
      resolve();
    });
  });
  const { port } = socket.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    documents,
    get malformed() {
      return malformed;
    },
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
