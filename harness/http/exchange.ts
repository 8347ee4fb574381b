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
  /** The requirement issuing the request; copied to `Exchange.requirement`. */
  requirement?: string;
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
  /** True when `body` holds only the first part of the body sent. */
  bodyTruncated?: boolean;
  /**
   * How the `authorization` header was made, if one was sent: `basic` from `auth`
   * (RFC 7617 credentials), `raw` from `rawAuthorization`. `label` repeats the header's
   * recorded value, so reproductions can map it back to an environment variable.
   */
  authorization?: { kind: "basic" | "raw"; label: string };
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
  /**
   * Set by the suite when the request carried an identity's real credentials
   * (CACHE-01 judges only responses to authenticated requests).
   */
  authenticatedAs?: string;
  request: RecordedRequest;
  response?: RecordedResponse;
  /** Transport-level failure: refused, reset, timeout, TLS alert. */
  error?: { code: string; message: string };
  durationMs: number;
}
