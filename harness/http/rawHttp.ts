// A minimal HTTP/1.1 client over a raw `net` or `tls` socket, for the requests undici
// will not put on the wire as given: header values with bytes outside field-vchar
// (undici checks /[^\t\x20-\x7e\x80-\xff]/), header names that are not tokens,
// `Transfer-Encoding`/`Content-Length`/`Expect`/`Connection` set by hand, paths with
// spaces, and plain HTTP sent to the TLS port (TLS-03). One request per connection
// (`Connection: close`), the response read until its framing says it is complete, the
// peer closes, the body cap is reached or the timeout fires.

import net from "node:net";
import tls from "node:tls";
import { TransportError } from "./transportError.ts";

export interface WireRequest {
  method: string;
  /** Request target, written as UTF-8 bytes exactly as given. */
  path: string;
  /** Written in order, verbatim; string values as UTF-8. */
  headers: ReadonlyArray<readonly [string, Buffer | string]>;
  body?: Buffer;
}

export interface WireResponse {
  status: number;
  /** Names lower-cased; repeated fields joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  bodyTruncated: boolean;
}

export interface RawConnection {
  host: string;
  port: number;
  /** TLS with this CA as the only trust anchor; absent: plain TCP. */
  tls?: { ca: string };
  timeoutMs: number;
  maxBodyBytes: number;
}

const MAX_HEAD_BYTES = 64 * 1024;
const PAYLOAD_METHODS = new Set(["PUT", "POST", "PATCH", "QUERY", "PROPFIND", "PROPPATCH"]);

function hasHeader(req: WireRequest, name: string): boolean {
  return req.headers.some(([k]) => k.toLowerCase() === name);
}

/**
 * The request's bytes. Adds `Host` (unless given), `Content-Length` (unless
 * `Content-Length` or `Transfer-Encoding` is given) and `Connection: close` (unless given).
 */
export function serializeRequest(req: WireRequest, hostHeader: string): Buffer {
  for (const [name, value] of req.headers) {
    if (/[\r\n:]/.test(name) || name.length === 0) {
      throw new TransportError(
        "INVALID_REQUEST",
        `header name ${JSON.stringify(name)} cannot be sent`,
      );
    }
    const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
    if (bytes.includes(0x0d) || bytes.includes(0x0a)) {
      throw new TransportError("INVALID_REQUEST", `header ${name} contains CR or LF`);
    }
  }
  if (/[\r\n]/.test(req.path) || /[\r\n ]/.test(req.method)) {
    throw new TransportError("INVALID_REQUEST", "request line contains CR, LF or a space");
  }
  const parts: Buffer[] = [Buffer.from(`${req.method} ${req.path} HTTP/1.1\r\n`, "utf8")];
  const line = (name: string, value: Buffer | string) =>
    parts.push(
      Buffer.from(`${name}: `, "latin1"),
      typeof value === "string" ? Buffer.from(value, "utf8") : value,
      Buffer.from("\r\n", "latin1"),
    );
  if (!hasHeader(req, "host")) line("host", hostHeader);
  for (const [name, value] of req.headers) line(name, value);
  const bodyLength = req.body?.length ?? 0;
  if (!hasHeader(req, "content-length") && !hasHeader(req, "transfer-encoding")) {
    if (bodyLength > 0 || PAYLOAD_METHODS.has(req.method))
      line("content-length", String(bodyLength));
  }
  if (!hasHeader(req, "connection")) line("connection", "close");
  parts.push(Buffer.from("\r\n", "latin1"));
  if (req.body) parts.push(req.body);
  return Buffer.concat(parts);
}

type Framing =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  | { kind: "close" };

interface Head {
  status: number;
  headers: Record<string, string>;
  framing: Framing;
}

function parseHead(text: string, method: string): Head {
  const lines = text.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? "");
  if (!m) throw new TransportError("PROTOCOL_ERROR", `bad status line ${JSON.stringify(lines[0])}`);
  const status = Number(m[1]);
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const colon = l.indexOf(":");
    if (colon <= 0)
      throw new TransportError("PROTOCOL_ERROR", `bad header line ${JSON.stringify(l)}`);
    const name = l.slice(0, colon).trim().toLowerCase();
    const value = l.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let framing: Framing;
  if (method === "HEAD" || status === 204 || status === 304 || status < 200) {
    framing = { kind: "none" };
  } else if (/\bchunked\b/i.test(headers["transfer-encoding"] ?? "")) {
    framing = { kind: "chunked" };
  } else if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new TransportError("PROTOCOL_ERROR", "bad content-length");
    }
    framing = { kind: "length", length };
  } else {
    framing = { kind: "close" };
  }
  return { status, headers, framing };
}

/** Decodes as much of a chunked body as is present. */
function decodeChunked(raw: Buffer): { data: Buffer; complete: boolean } {
  const out: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = raw.indexOf("\r\n", pos, "latin1");
    if (eol < 0) return { data: Buffer.concat(out), complete: false };
    const size = Number.parseInt(raw.subarray(pos, eol).toString("latin1").split(";")[0] ?? "", 16);
    if (Number.isNaN(size)) throw new TransportError("PROTOCOL_ERROR", "bad chunk size");
    if (size === 0) return { data: Buffer.concat(out), complete: true };
    const start = eol + 2;
    if (raw.length < start + size) {
      out.push(raw.subarray(start));
      return { data: Buffer.concat(out), complete: false };
    }
    out.push(raw.subarray(start, start + size));
    pos = start + size + 2;
  }
}

function hexPreview(buf: Buffer): string {
  return buf.subarray(0, 16).toString("hex").replace(/(..)/g, "$1 ").trim();
}

/**
 * Sends one request on a fresh connection and reads the response. Rejects with a
 * `TransportError` (or a `net`/`tls` error) when no response head arrives; a response
 * cut short after its head resolves with `bodyTruncated: true`.
 */
export function rawExchange(conn: RawConnection, req: WireRequest): Promise<WireResponse> {
  const hostHeader = conn.host.includes(":")
    ? `[${conn.host}]:${conn.port}`
    : `${conn.host}:${conn.port}`;
  let bytes: Buffer;
  try {
    bytes = serializeRequest(req, hostHeader);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise<WireResponse>((resolve, reject) => {
    const socket: net.Socket = conn.tls
      ? tls.connect({
          host: conn.host,
          port: conn.port,
          ca: conn.tls.ca,
          rejectUnauthorized: true,
          ALPNProtocols: ["http/1.1"],
          ...(net.isIP(conn.host) ? {} : { servername: conn.host }),
        })
      : net.connect({ host: conn.host, port: conn.port });
    let received = Buffer.alloc(0);
    let head: Head | undefined;
    let bodyRaw = Buffer.alloc(0);
    let settled = false;

    const finish = (err: unknown, res?: WireResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (res) resolve(res);
      else reject(err);
    };
    const timer = setTimeout(
      () =>
        finish(new TransportError("TIMEOUT", `no complete response within ${conn.timeoutMs} ms`)),
      conn.timeoutMs,
    );

    const respond = (complete: boolean) => {
      if (!head) return;
      let body: Buffer;
      let truncated = !complete;
      if (head.framing.kind === "chunked") {
        const decoded = decodeChunked(bodyRaw);
        body = decoded.data;
        truncated = truncated || !decoded.complete;
      } else if (head.framing.kind === "length") {
        body = bodyRaw.subarray(0, head.framing.length);
      } else {
        body = bodyRaw;
      }
      if (body.length > conn.maxBodyBytes) {
        body = body.subarray(0, conn.maxBodyBytes);
        truncated = true;
      }
      finish(undefined, {
        status: head.status,
        headers: head.headers,
        body,
        bodyTruncated: truncated,
      });
    };

    const onBodyData = () => {
      if (!head) return;
      const f = head.framing;
      if (f.kind === "none") return respond(true);
      if (f.kind === "length" && bodyRaw.length >= f.length) return respond(true);
      if (f.kind === "chunked") {
        try {
          if (decodeChunked(bodyRaw).complete) return respond(true);
        } catch (err) {
          return finish(err);
        }
      }
      // Over the cap (with room for chunk framing): keep what we have, drop the rest.
      if (bodyRaw.length > conn.maxBodyBytes + 1024) respond(false);
    };

    socket.on("data", (chunk: Buffer) => {
      if (head) {
        bodyRaw = Buffer.concat([bodyRaw, chunk]);
        return onBodyData();
      }
      received = Buffer.concat([received, chunk]);
      if (received.length >= 5 && !received.subarray(0, 5).equals(Buffer.from("HTTP/"))) {
        return finish(
          new TransportError(
            "NOT_HTTP",
            `peer answered with non-HTTP bytes: ${hexPreview(received)}`,
          ),
        );
      }
      for (;;) {
        const end = received.indexOf("\r\n\r\n", 0, "latin1");
        if (end < 0) {
          if (received.length > MAX_HEAD_BYTES) {
            finish(new TransportError("PROTOCOL_ERROR", "response head over 64 KiB"));
          }
          return;
        }
        let parsed: Head;
        try {
          parsed = parseHead(received.subarray(0, end).toString("latin1"), req.method);
        } catch (err) {
          return finish(err);
        }
        received = received.subarray(end + 4);
        if (parsed.status >= 100 && parsed.status < 200 && parsed.status !== 101) continue;
        head = parsed;
        bodyRaw = received;
        return onBodyData();
      }
    });
    socket.on("end", () => {
      if (head) return respond(head.framing.kind === "close");
      if (received.length === 0) {
        return finish(
          new TransportError("EMPTY_RESPONSE", "peer closed the connection without a response"),
        );
      }
      if (!received.subarray(0, 5).equals(Buffer.from("HTTP/").subarray(0, received.length))) {
        return finish(
          new TransportError(
            "NOT_HTTP",
            `peer answered with non-HTTP bytes: ${hexPreview(received)}`,
          ),
        );
      }
      finish(
        new TransportError("ECONNRESET", "peer closed the connection inside the response head"),
      );
    });
    socket.on("close", () => {
      if (head) return respond(head.framing.kind === "close");
      finish(new TransportError("ECONNRESET", "connection closed before a response"));
    });
    socket.on("error", (err) => {
      if (head) return respond(false);
      finish(err);
    });
    socket.once(conn.tls ? "secureConnect" : "connect", () => socket.write(bytes));
  });
}
