/**
 * One HTTP/1.1 connection of the default transport. Requests given to it in the same turn of the
 * event loop go out in one write, pipelined; their responses come back in order
 * (response-parser.ts). Pipelining is what makes three requests per trace cheap: a batch's
 * creates, then its spans, then its completes each cost the process one write and one wake-up
 * rather than one per trace (bench/README.md).
 *
 * The socket is unref'd: an open connection, or a server that never answers, cannot hold an app's
 * exit. Whoever needs delivery to finish holds the event loop instead, for a bounded time (a
 * `flush()` the user awaits, or the exit drain).
 */
import type { Socket } from "node:net";
import { logger } from "../../../util/logger.js";
import { nextTurn } from "../../../util/runtime.js";
import { ResponseParser, type ParsedResponse } from "./response-parser.js";

/** A request as a connection sees it. */
export interface PipelinedRequest {
  /** Request line and header fields, ending with the empty line: ASCII text, or bytes. */
  readonly head: string | Uint8Array;
  readonly body: string | Uint8Array;
  /** Settled (answered, timed out, aborted, failed): nothing more is done for it. */
  readonly done: boolean;
}

/** How a connection reports back to its pool. */
export interface ConnectionOwner<R extends PipelinedRequest> {
  answered(request: R, response: ParsedResponse): void;
  /**
   * The connection is gone; `unanswered` were written (or waiting to be) and got no response.
   * `unprocessed`: the server should not have acted on them (it announced the close, or a kept-alive
   * connection died before answering anything new), so sending them again is safe.
   * `pipeliningSuspect`: the server garbled its answers, or dropped the connection partway
   * through pipelined requests without announcing it; it may not handle pipelining.
   */
  lost(connection: Http1Connection<R>, unanswered: R[], error: Error, unprocessed: boolean, pipeliningSuspect: boolean): void;
}

export class Http1Connection<R extends PipelinedRequest> {
  /** Written, awaiting their response, oldest first. */
  private readonly inflight: R[] = [];
  /** Given this turn, written at the next turn. */
  private outbox: R[] = [];
  private writeScheduled = false;
  private readonly parser = new ResponseParser();
  /** Responses read on this connection. */
  private answers = 0;
  /** {@link answers} when the connection last went from idle to busy. */
  private answersAtBusy = 0;
  /** The server announced the close, or the connection failed: no new requests. */
  private ending = false;
  /** A response announced the close. */
  private closeAnnounced = false;
  /** A response could not be parsed. */
  private garbled = false;
  private gone = false;
  /** The server ended the connection in the middle of a response. */
  private cutShort: Error | undefined;
  /** Why the connection was destroyed on purpose (a timeout, an abort, shutdown, garbled input). */
  private destroyReason: Error | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly owner: ConnectionOwner<R>,
  ) {
    socket.setNoDelay(true);
    socket.unref();
    // These run in the socket's event handlers, where a throw would be uncaught: never throw.
    socket.on("data", (chunk: Buffer) => this.guard(() => this.read(chunk)));
    let socketError: Error | undefined;
    socket.on("error", (error: Error) => (socketError ??= error));
    socket.on("end", () => this.guard(() => this.readEnd()));
    socket.on("close", () => this.guard(() => this.closed(socketError)));
  }

  /** Requests on this connection not yet answered. */
  get load(): number {
    return this.inflight.length + this.outbox.length;
  }

  /** Requests were given this turn and are not written yet. */
  get writing(): boolean {
    return this.outbox.length > 0;
  }

  /** Takes new requests. */
  get usable(): boolean {
    return !this.ending && !this.gone;
  }

  /** Queues `request`; it is written with the others given this turn. */
  add(request: R): void {
    if (this.load === 0) this.answersAtBusy = this.answers;
    this.outbox.push(request);
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      nextTurn(() => this.guard(() => this.write()));
    }
  }

  /** Closes the connection; its unanswered requests are reported lost with `reason`. */
  destroy(reason: Error): void {
    if (this.gone) return;
    this.destroyReason ??= reason;
    this.ending = true;
    this.socket.destroy();
  }

  /** Whether `request` has been written on this connection (a timeout then has to close it). */
  wrote(request: R): boolean {
    return this.inflight.includes(request);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      logger.once("error", "http1:connection", "delivery failed unexpectedly", error);
      if (!this.gone) this.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private write(): void {
    this.writeScheduled = false;
    const batch = this.outbox;
    this.outbox = [];
    if (this.gone) return;
    // Runs of text (ASCII heads, JSON bodies) are joined into one string: one chunk for the socket
    // to encode rather than two per request.
    let text = "";
    this.socket.cork();
    try {
      for (const request of batch) {
        if (request.done) continue;
        this.inflight.push(request);
        text = this.append(text, request.head);
        text = this.append(text, request.body);
      }
      if (text.length > 0) this.socket.write(text, "utf8");
    } finally {
      this.socket.uncork();
    }
  }

  /** Adds `part` to the pending `text`, or writes both when `part` is bytes; returns what is pending. */
  private append(text: string, part: string | Uint8Array): string {
    if (typeof part === "string") return text + part;
    if (text.length > 0) this.socket.write(text, "utf8");
    this.socket.write(part);
    return "";
  }

  private read(chunk: Buffer): void {
    let responses: ParsedResponse[];
    try {
      responses = this.parser.feed(chunk);
    } catch (error) {
      this.garbled = true;
      return this.destroy(error instanceof Error ? error : new Error(String(error)));
    }
    for (const response of responses) this.answer(response);
  }

  private answer(response: ParsedResponse): void {
    const request = this.inflight.shift();
    if (!request) {
      this.garbled = true;
      return this.destroy(new Error("HTTP response without a request"));
    }
    this.answers++;
    if (response.close) this.ending = this.closeAnnounced = true;
    this.owner.answered(request, response);
    if (response.close) this.socket.destroy();
  }

  private readEnd(): void {
    try {
      const last = this.parser.end();
      if (last) this.answer(last);
    } catch (error) {
      this.cutShort = error instanceof Error ? error : new Error(String(error));
    }
    this.socket.destroy();
  }

  private closed(socketError: Error | undefined): void {
    if (this.gone) return;
    this.gone = true;
    this.ending = true;
    const unanswered = [...this.inflight, ...this.outbox].filter((r) => !r.done);
    this.inflight.length = 0;
    this.outbox = [];
    // The server closed on purpose after a response, or a kept-alive connection died before it
    // answered anything it was given since it was last idle: in both cases HTTP/1.1 says what it
    // left unanswered was not processed (see pipelined-transport.ts on why resending is safe).
    const ours = this.destroyReason !== undefined;
    const announced = this.closeAnnounced && !ours;
    const stale = !ours && this.answersAtBusy > 0 && this.answers === this.answersAtBusy;
    const droppedMidPipeline = !ours && !announced && unanswered.length > 1 && this.answers > this.answersAtBusy;
    const error = this.destroyReason ?? this.cutShort ?? socketError ?? new Error("connection closed before the response");
    this.owner.lost(this, unanswered, error, announced || stale, this.garbled || droppedMidPipeline);
  }
}
