// One recorded request/response pair. Every exchange the suite makes is recorded so that
// cross-cutting checks (ERR-01, ERR-02, CACHE-01, TLS-05) and reports can read it.
// Exchanges are stored *redacted*: the Authorization header is replaced by a label that
// names the identity and where its password comes from, never the password.

export type Transport =
  /** HTTPS to the TLS port (the normal case). */
  | "tls"
  /** Plain HTTP to the declared plaintext listener (TLS-01, TLS-02, TLS-06). */
  | "plaintext"
  /** Plain HTTP bytes sent to the TLS port (TLS-03). */
  | "plaintext-to-tls-port";

export interface RequestSpec {
  method: string;
  /** Path and query, already encoded as it must go on the wire. */
  path: string;
  /** Basic credentials (RFC 7617, UTF-8). */
  auth?: { username: string; password: string; label: string };
  /**
   * The Authorization header's exact bytes, for malformed cases (AUTHN-05).
   * Recorded as `label`, never as the raw value.
   */
  rawAuthorization?: { value: Buffer | string; label: string };
  headers?: Record<string, string>;
  /** JSON body: serialized with JSON.stringify and sent as application/json. */
  json?: unknown;
  /** Raw body bytes with an explicit content type (INPUT-02, INPUT-05, INPUT-06). */
  rawBody?: { data: Buffer | string; contentType?: string };
  transport?: Transport;
  /** Defaults to the target's per-request timeout. */
  timeoutMs?: number;
}

export interface RecordedRequest {
  method: string;
  url: string;
  transport: Transport;
  /** Header names lower-cased; `authorization` holds a redaction label. */
  headers: Record<string, string>;
  /** Body as text (truncated for reports), if any. */
  body?: string;
  bodyBytes?: number;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  /** Body as UTF-8 text, capped (see `bodyTruncated`). */
  body: string;
  bodyTruncated: boolean;
}

export interface Exchange {
  seq: number;
  /** The requirement that issued it (for cross-cutting checks and transcripts). */
  requirement?: string;
  request: RecordedRequest;
  response?: RecordedResponse;
  /** Transport-level failure: refused, reset, timeout, TLS alert. */
  error?: { code: string; message: string };
  durationMs: number;
}
