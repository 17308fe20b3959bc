/**
 * Every call an invocation makes has a deadline, so a hung dependency ends in a named error while
 * there is still time to say so, instead of in Lambda's timeout with the tracking item left at
 * "started".
 *
 * An invocation's time is split in two: the work, and a reserve kept back at the end to record a
 * failure. Each AWS call carries the signal of the phase it runs in (`withDeadline` adds it to
 * every `send`), and the SDK aborts the call when the phase ends. Work that does not go through a
 * client is raced against `workExpired()`.
 */
import { setMaxListeners } from "events";
import { namedError, type NamedError } from "./namedError";

export type DeadlineExceededError = NamedError<"DeadlineExceededError", { phase: "work" | "reserve" }>;

export function deadlineExceeded(phase: "work" | "reserve", budgetMs: number, waitingFor: readonly string[]): DeadlineExceededError {
  const what =
    phase === "work"
      ? `the invocation's work did not finish within its ${budgetMs} ms (the function's remaining time less what is kept to record a failure)`
      : `recording the outcome did not finish within the ${budgetMs} ms kept for it`;
  const waiting = waitingFor.length === 0 ? "" : `; still waiting for an answer to ${[...new Set(waitingFor)].join(", ")}`;
  return namedError("DeadlineExceededError", `${what}${waiting}`, { phase });
}

export interface InvocationDeadline {
  /** Starts an invocation's clock; `remainingMs` is what Lambda says is left of it. */
  begin(remainingMs: number): void;
  /** The signal the next AWS call carries; undefined outside an invocation. */
  signal(): AbortSignal | undefined;
  /** Rejects with a DeadlineExceededError when the work phase ends. */
  workExpired(): Promise<never>;
  /** Milliseconds left of the work phase. */
  workLeftMs(): number;
  /** Hands the reserve to the calls that record a failure. */
  enterReserve(): void;
  /** Whether the work phase is over. */
  expired(): boolean;
  /** Registers a call under way, so the deadline's error can name what it was waiting for; returns its end. */
  track(call: string): () => void;
  end(): void;
}

export interface DeadlineOptions {
  /** Kept back from the end of the invocation to record a failure. */
  reserveMs: number;
  /** Left unused at the very end, so Lambda's own timeout never cuts the last write short. */
  marginMs?: number;
}

export function createInvocationDeadline(options: DeadlineOptions): InvocationDeadline {
  const margin = options.marginMs ?? 250;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let workEndsAt = 0;
  let endsAt = 0;
  let expiry: Promise<never> = new Promise<never>(() => undefined);
  let phaseExpired = false;
  const inFlight: string[] = [];

  const phase = (name: "work" | "reserve", untilMs: number, budgetMs: number): void => {
    if (timer !== undefined) clearTimeout(timer);
    controller = new AbortController();
    const current = controller;
    // Every call in flight listens to the one signal; a stage may have many at once (compaction reads 16 files in parallel).
    setMaxListeners(0, current.signal);
    phaseExpired = false;
    let rejectExpiry: (error: Error) => void = () => undefined;
    expiry = new Promise<never>((_, reject) => {
      rejectExpiry = reject;
    });
    // Nobody may be racing it; an unobserved rejection must not crash the container.
    expiry.catch(() => undefined);
    timer = setTimeout(
      () => {
        phaseExpired = true;
        const error = deadlineExceeded(name, budgetMs, inFlight);
        current.abort(error);
        rejectExpiry(error);
      },
      Math.max(0, untilMs - Date.now()),
    );
  };

  return {
    begin(remainingMs) {
      const now = Date.now();
      endsAt = now + Math.max(0, remainingMs - margin);
      // A short invocation still gets some work time: half of it, at the least.
      const reserve = Math.min(options.reserveMs, (endsAt - now) / 2);
      workEndsAt = endsAt - reserve;
      phase("work", workEndsAt, Math.round(workEndsAt - now));
    },
    signal: () => controller?.signal,
    workExpired: () => expiry,
    workLeftMs: () => Math.max(0, workEndsAt - Date.now()),
    enterReserve() {
      const now = Date.now();
      phase("reserve", endsAt, Math.round(Math.max(0, endsAt - now)));
    },
    expired: () => phaseExpired,
    track(call) {
      inFlight.push(call);
      return () => {
        const index = inFlight.indexOf(call);
        if (index !== -1) inFlight.splice(index, 1);
      };
    },
    end() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      controller = undefined;
    },
  };
}

/** What an AWS SDK v3 client has that the deadline needs. */
interface SendingClient {
  send(command: never, options?: never): Promise<unknown>;
}

/**
 * The client, seen through an object whose every `send` carries the deadline's current signal (a
 * call that names its own abortSignal keeps it) and fails with the deadline's error, which names
 * the calls still waiting, when the deadline cuts it short. The client itself is not changed:
 * tests share theirs between handlers.
 */
export function withDeadline<C extends SendingClient>(client: C, deadline: InvocationDeadline): C {
  const send = client.send.bind(client) as (command: unknown, options?: { abortSignal?: AbortSignal }) => Promise<unknown>;
  const bound = Object.create(client) as C;
  (bound as unknown as { send: typeof send }).send = (command, options) => {
    const signal = deadline.signal();
    if (signal === undefined || options?.abortSignal !== undefined) return send(command, options);
    const done = deadline.track(((command as object).constructor?.name ?? "an AWS call").replace(/Command$/, ""));
    return send(command, { ...options, abortSignal: signal })
      .catch((error: unknown) => {
        // The deadline's own error names every call it cut short, this one included.
        const reason: unknown = signal.aborted ? signal.reason : undefined;
        if (reason instanceof Error && reason.name === "DeadlineExceededError") throw reason;
        throw error;
      })
      .finally(done);
  };
  return bound;
}

/**
 * What one AWS request may take before the SDK gives up on it and retries: far beyond a healthy
 * call (a 60 MB object from S3 in the same region), far within a function's timeout.
 */
export const SDK_REQUEST_TIMEOUT_MS = 20_000;

/**
 * The options every handler's SDK clients are built with: a refused or silent connection fails in
 * seconds, a request that stalls fails after `requestTimeoutMs`, and the SDK retries both.
 */
export function awsClientOptions(requestTimeoutMs: number): {
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number; socketTimeout: number; throwOnRequestTimeout: boolean };
} {
  return {
    maxAttempts: 3,
    requestHandler: {
      connectionTimeout: 3_000,
      requestTimeout: requestTimeoutMs,
      socketTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}
