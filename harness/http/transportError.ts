// Transport-level failures, as recorded in `Exchange.error.code`. Checks branch on these
// codes, so they are few and stable; the original error code and message are kept in
// `Exchange.error.message`.

export type TransportErrorCode =
  /** Nothing listens on the port. */
  | "ECONNREFUSED"
  /** The peer reset or closed the connection before a complete response head. */
  | "ECONNRESET"
  /** The per-request bound (connect + head + body) elapsed. */
  | "TIMEOUT"
  /** Handshake failed: untrusted certificate, wrong name, protocol alert. */
  | "TLS_ERROR"
  /** The peer closed the connection cleanly without sending a byte. */
  | "EMPTY_RESPONSE"
  /** The peer sent bytes that are not an HTTP/1.x response (e.g. a TLS alert). */
  | "NOT_HTTP"
  /** The peer sent a malformed HTTP response, or one over the parser's limits. */
  | "PROTOCOL_ERROR"
  /** `transport: "plaintext"` for a target without a plaintext listener. */
  | "NO_PLAINTEXT_LISTENER"
  /** The request cannot be put on the wire (CR or LF inside a header, for instance). */
  | "INVALID_REQUEST"
  /** Anything else (the original code is in the message). */
  | "ERROR";

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
]);
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ECONNABORTED"]);
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|EPROTO$)|CERT|SELF_SIGNED|UNABLE_TO_|^HOSTNAME_MISMATCH$/;
const PROTOCOL_CODES =
  /^(HPE_|UND_ERR_HEADERS_OVERFLOW|UND_ERR_RES_|UND_ERR_INFO|UND_ERR_RESPONSE_STATUS_CODE)/;

function errorChain(err: unknown): Array<{ code?: string; name?: string; message?: string }> {
  const chain: Array<{ code?: string; name?: string; message?: string }> = [];
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur && typeof cur === "object"; i++) {
    const e = cur as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    chain.push({
      code: typeof e.code === "string" ? e.code : undefined,
      name: typeof e.name === "string" ? e.name : undefined,
      message: typeof e.message === "string" ? e.message : undefined,
    });
    cur = e.cause;
  }
  return chain;
}

/** Maps any error thrown by undici, `net` or `tls` onto a `TransportErrorCode`. */
export function classifyTransportError(err: unknown): {
  code: TransportErrorCode;
  message: string;
} {
  if (err instanceof TransportError) return { code: err.code, message: err.message };
  const chain = errorChain(err);
  const message =
    chain
      .map((e) => [e.code, e.message].filter(Boolean).join(": "))
      .filter(Boolean)
      .join(" <- ") || String(err);
  for (const e of chain) {
    const c = e.code ?? "";
    if (TIMEOUT_CODES.has(c) || e.name === "TimeoutError") return { code: "TIMEOUT", message };
    if (c === "ECONNREFUSED") return { code: "ECONNREFUSED", message };
    if (TLS_CODE.test(c)) return { code: "TLS_ERROR", message };
  }
  for (const e of chain) {
    const c = e.code ?? "";
    if (RESET_CODES.has(c)) return { code: "ECONNRESET", message };
    // undici's parser errors carry an HPE_ code only for some llhttp errors.
    if (PROTOCOL_CODES.test(c) || e.name === "HTTPParserError")
      return { code: "PROTOCOL_ERROR", message };
  }
  return { code: "ERROR", message };
}
