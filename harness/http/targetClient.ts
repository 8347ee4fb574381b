// The one way suites talk to a target. Every request becomes a recorded, redacted
// `Exchange`; transport failures are data (`exchange.error`), never exceptions, so a
// check can assert on a refused connection as easily as on a status code.
//
// Wire fidelity (what is sent is what the spec says):
// - Paths go on the wire byte for byte (UTF-8): undici writes `${method} ${path}` without
//   normalising `..`, `//` or `%2e`; paths undici refuses (spaces, not starting with
//   `/`) go through the raw writer.
// - `headers` are sent verbatim, names in the given case and in order. undici adds only
//   `host` (unless given), `content-length` (when there is a body) and
//   `connection: keep-alive`.
// - Header values are sent as UTF-8 bytes (undici writes header strings as latin1, so
//   the bytes are handed over as a latin1 string). A `Buffer` value (e.g. a
//   non-UTF-8 Authorization header, AUTHN-05) is sent byte for byte the same way;
//   values with bytes undici refuses (controls other than HTAB) use the raw writer.
//   CR and LF are refused everywhere (INVALID_REQUEST): they would inject headers.
// - Redirects are never followed (undici's Agent has no redirect interceptor here).
// - Only the run CA is trusted (`ca` replaces Node's root store; rejectUnauthorized).

import { performance } from "node:perf_hooks";
import { Agent } from "undici";
import type { StartedTarget } from "../target/startedTarget.ts";
import { basicAuthorization, basicToken } from "./basicAuth.ts";
import type { Exchange, RecordedRequest, RequestSpec, Transport } from "./exchange.ts";
import { rawExchange, type WireRequest, type WireResponse } from "./rawHttp.ts";
import { MIN_REQUEST_SECRET_LENGTH, REDACTED, Redactor, redactExchange } from "./redact.ts";
import { classifyTransportError, TransportError } from "./transportError.ts";

/** What the client needs of a target; a `StartedTarget` satisfies it. */
export interface ClientEndpoints {
  baseUrl(): string;
  plaintextUrl(): string | undefined;
  tlsEndpoint(): { host: string; port: number };
  caPem(): string;
}

export interface TargetClientOptions {
  /** Bound on connect + response head + body, per request (RequestSpec.timeoutMs overrides). */
  requestTimeoutMs: number;
  /** Response body bytes kept; the rest is discarded and `bodyTruncated` set. Default 256 KiB. */
  maxBodyBytes?: number;
  /** Called with every recorded (redacted) exchange, in order. */
  onExchange?: (e: Exchange) => void;
  /** How many recent exchanges `recorded()` keeps. Default 1000. */
  maxRecorded?: number;
  /**
   * Credentials scrubbed from every exchange whatever their length (the password and
   * the Basic token of each): the target's identities. Read on every request.
   */
  identities?: () => Iterable<{ username: string; password: string }>;
  /** Further strings scrubbed from every exchange. Read on every request. */
  secrets?: () => Iterable<string>;
  /** Keep-alive connections per origin. Default 4. */
  connections?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
/** Credentials parts of raw Authorization values shorter than this are not scrubbed. */
const RAW_CREDENTIALS_MIN_LENGTH = 12;
/** Request bodies are recorded up to this many characters. */
export const RECORDED_REQUEST_BODY_CHARS = 4096;
/** Redactors kept for reuse, by their exact list of secrets (see `redactor`). */
const REDACTOR_CACHE_SIZE = 64;

const UNDICI_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers undici refuses, or handles itself, when given by hand. */
const UNDICI_RESERVED = new Set([
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
  "expect",
  "connection",
]);

interface Origin {
  /** `https://host:port` or `http://host:port` */
  origin: string;
  host: string;
  port: number;
  /** Base path of the target's URL without trailing slash ("" for `/`). */
  prefix: string;
  secure: boolean;
}

function parseOrigin(url: string): Origin {
  const u = new URL(url);
  const secure = u.protocol === "https:";
  return {
    origin: u.origin,
    host: u.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: Number(u.port || (secure ? 443 : 80)),
    prefix: u.pathname === "/" ? "" : u.pathname.replace(/\/$/, ""),
    secure,
  };
}

/** Whether undici will write `req` exactly as given. */
function undiciCanSend(req: WireRequest): boolean {
  if (!TOKEN.test(req.method) || req.method === "CONNECT") return false;
  if (!/^\/[\x21-\x7e\x80-\u{10ffff}]*$/u.test(req.path)) return false;
  let hosts = 0;
  for (const [name, value] of req.headers) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name) || UNDICI_RESERVED.has(lower)) return false;
    if (lower === "host" && ++hosts > 1) return false;
    const latin1 =
      typeof value === "string"
        ? Buffer.from(value, "utf8").toString("latin1")
        : value.toString("latin1");
    if (!UNDICI_HEADER_VALUE.test(latin1)) return false;
  }
  return true;
}

function asLatin1(value: Buffer | string): string {
  return (typeof value === "string" ? Buffer.from(value, "utf8") : value).toString("latin1");
}

function truncateText(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // do not split a surrogate pair
  return { text: text.slice(0, end), truncated: true };
}

export class TargetClient implements AsyncDisposable {
  private seq = 0;
  private readonly log: Exchange[] = [];
  private tlsAgent: { ca: string; agent: Agent } | undefined;
  private plainAgent: Agent | undefined;
  private readonly maxBodyBytes: number;
  private readonly maxRecorded: number;
  /**
   * Redactors by their secrets (JSON of the list). The identities and secrets are still
   * read on every request, but they are nearly always the same: building every form of
   * every secret anew for each request was the client's largest own cost (`npm run bench`).
   */
  private readonly redactors = new Map<string, Redactor>();
  /** Parsed origins by URL: the target's URLs do not change between requests. */
  private readonly origins = new Map<string, Origin>();

  constructor(
    private readonly target: ClientEndpoints,
    private readonly options: TargetClientOptions,
  ) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.maxRecorded = options.maxRecorded ?? 1000;
  }

  /**
   * A client for a started target: its manifest's request timeout, and its identities'
   * credentials scrubbed from every exchange.
   */
  static forTarget(
    target: StartedTarget,
    options: Partial<TargetClientOptions> = {},
  ): TargetClient {
    return new TargetClient(target, {
      requestTimeoutMs: target.manifest.limits.requestTimeoutMs,
      identities: () => target.identities(),
      ...options,
    });
  }

  /** The most recent exchanges (at most `maxRecorded`), oldest first. */
  recorded(): readonly Exchange[] {
    return [...this.log];
  }

  /** Sends one request. Never throws for HTTP or transport failures. */
  async send(spec: RequestSpec): Promise<Exchange> {
    const seq = ++this.seq;
    const started = performance.now();
    const transport: Transport = spec.transport ?? "tls";
    const timeoutMs = spec.timeoutMs ?? this.options.requestTimeoutMs;
    const wire = this.wireRequest(spec);

    let origin: Origin | undefined;
    let outcome: { response: WireResponse } | { error: { code: string; message: string } };
    try {
      origin = this.resolveOrigin(transport);
      const path = origin.prefix + spec.path;
      const req = { ...wire, path };
      if (transport === "plaintext-to-tls-port") {
        outcome = { response: await this.sendRaw(origin, req, timeoutMs, false) };
      } else if (undiciCanSend(req)) {
        outcome = { response: await this.sendUndici(origin, req, timeoutMs) };
      } else {
        outcome = { response: await this.sendRaw(origin, req, timeoutMs, origin.secure) };
      }
    } catch (err) {
      outcome = { error: classifyTransportError(err) };
    }

    const exchange: Exchange = {
      seq,
      request: this.recordRequest(spec, transport, wire, origin),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (spec.requirement !== undefined) exchange.requirement = spec.requirement;
    if ("response" in outcome) {
      const r = outcome.response;
      exchange.response = {
        status: r.status,
        headers: r.headers,
        body: new TextDecoder("utf-8").decode(r.body),
        bodyTruncated: r.bodyTruncated,
      };
    } else {
      exchange.error = outcome.error;
    }
    const recorded = redactExchange(exchange, this.redactor(spec));
    this.log.push(recorded);
    if (this.log.length > this.maxRecorded) this.log.splice(0, this.log.length - this.maxRecorded);
    this.options.onExchange?.(recorded);
    return recorded;
  }

  /** Closes the connection pools. Idempotent. */
  async close(): Promise<void> {
    const agents = [this.tlsAgent?.agent, this.plainAgent].filter((a): a is Agent => !!a);
    this.tlsAgent = undefined;
    this.plainAgent = undefined;
    await Promise.all(agents.map((a) => a.close().catch(() => a.destroy())));
  }

  /**
   * Closes the connection pools at once, failing requests still in flight (an
   * interrupted or abandoned run does not wait for their timeouts). Idempotent.
   */
  async destroy(): Promise<void> {
    const agents = [this.tlsAgent?.agent, this.plainAgent].filter((a): a is Agent => !!a);
    this.tlsAgent = undefined;
    this.plainAgent = undefined;
    await Promise.all(agents.map((a) => a.destroy().catch(() => undefined)));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private resolveOrigin(transport: Transport): Origin {
    if (transport === "tls") return this.parsedOrigin(this.target.baseUrl());
    if (transport === "plaintext") {
      const url = this.target.plaintextUrl();
      if (url === undefined) {
        throw new TransportError(
          "NO_PLAINTEXT_LISTENER",
          "the target declares no plaintext listener",
        );
      }
      return this.parsedOrigin(url);
    }
    const { host, port } = this.target.tlsEndpoint();
    const hostPart = host.includes(":") ? `[${host}]` : host;
    return { origin: `http://${hostPart}:${port}`, host, port, prefix: "", secure: false };
  }

  /** `parseOrigin(url)`, parsed once per URL (a reset container gets new ports: new URLs). */
  private parsedOrigin(url: string): Origin {
    let origin = this.origins.get(url);
    if (origin === undefined) {
      origin = parseOrigin(url);
      if (this.origins.size >= 8) this.origins.clear();
      this.origins.set(url, origin);
    }
    return origin;
  }

  private wireRequest(spec: RequestSpec): Omit<WireRequest, "path"> {
    const headers: Array<readonly [string, Buffer | string]> = Object.entries(spec.headers ?? {});
    const given = new Set(headers.map(([k]) => k.toLowerCase()));
    if (spec.auth) {
      headers.push(["Authorization", basicAuthorization(spec.auth.username, spec.auth.password)]);
    } else if (spec.rawAuthorization) {
      headers.push(["Authorization", spec.rawAuthorization.value]);
    }
    let body: Buffer | undefined;
    if (spec.json !== undefined) {
      body = Buffer.from(JSON.stringify(spec.json), "utf8");
      if (!given.has("content-type")) headers.push(["Content-Type", "application/json"]);
    } else if (spec.rawBody) {
      const { data, contentType } = spec.rawBody;
      body = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      if (contentType !== undefined && !given.has("content-type"))
        headers.push(["Content-Type", contentType]);
    }
    return body === undefined
      ? { method: spec.method, headers }
      : { method: spec.method, headers, body };
  }

  private recordRequest(
    spec: RequestSpec,
    transport: Transport,
    wire: Omit<WireRequest, "path">,
    origin: Origin | undefined,
  ): RecordedRequest {
    const headers: Record<string, string> = {};
    let authorization: RecordedRequest["authorization"];
    for (const [name, value] of wire.headers) {
      const lower = name.toLowerCase();
      let text: string;
      if (lower === "authorization" && (spec.auth || spec.rawAuthorization)) {
        const kind = spec.auth ? "basic" : "raw";
        const label = (spec.auth ?? spec.rawAuthorization)!.label;
        authorization = { kind, label };
        text = label;
      } else if (lower === "authorization" || lower === "proxy-authorization") {
        text = REDACTED; // given in `headers`: no label, so never recorded
      } else {
        text = typeof value === "string" ? value : value.toString("utf8");
      }
      headers[lower] = headers[lower] === undefined ? text : `${headers[lower]}, ${text}`;
    }
    const recorded: RecordedRequest = {
      method: spec.method,
      url: (origin ? origin.origin + origin.prefix : "") + spec.path,
      transport,
      headers,
    };
    if (authorization) recorded.authorization = authorization;
    if (wire.body !== undefined) {
      const { text, truncated } = truncateText(
        wire.body.toString("utf8"),
        RECORDED_REQUEST_BODY_CHARS,
      );
      recorded.body = text;
      recorded.bodyBytes = wire.body.length;
      if (truncated) recorded.bodyTruncated = true;
    }
    return recorded;
  }

  private redactor(spec: RequestSpec): Redactor {
    const secrets: string[] = [...(this.options.secrets?.() ?? [])];
    for (const { username, password } of this.options.identities?.() ?? []) {
      secrets.push(password, basicToken(username, password));
    }
    if (spec.auth) {
      const { username, password } = spec.auth;
      secrets.push(basicToken(username, password));
      if (password.length >= MIN_REQUEST_SECRET_LENGTH) secrets.push(password);
    }
    if (spec.rawAuthorization) {
      // Malformed headers carry no real password by construction (their label says what
      // they are), but one built from real credentials must not leak either: scrub the
      // credentials part when it is long enough to be one.
      const v = spec.rawAuthorization.value;
      const credentials = (typeof v === "string" ? v : v.toString("latin1")).replace(/^\S+\s+/, "");
      if (credentials.length >= RAW_CREDENTIALS_MIN_LENGTH) secrets.push(credentials);
    }
    // A Redactor is a pure function of its secrets: the same list, the same redactor.
    const kept = secrets.filter((s) => s.length > 0);
    const key = JSON.stringify(kept);
    let redactor = this.redactors.get(key);
    if (redactor === undefined) {
      redactor = new Redactor(kept);
      if (this.redactors.size >= REDACTOR_CACHE_SIZE) {
        const oldest = this.redactors.keys().next().value;
        if (oldest !== undefined) this.redactors.delete(oldest);
      }
      this.redactors.set(key, redactor);
    }
    return redactor;
  }

  private agentFor(origin: Origin): Agent {
    const common = {
      connections: this.options.connections ?? 4,
      // Short: servers close idle keep-alive connections (gunicorn after 2 s), and a
      // request written into a connection the server is closing fails with ECONNRESET.
      keepAliveTimeout: 1000,
      keepAliveTimeoutThreshold: 1000,
    };
    if (!origin.secure) {
      this.plainAgent ??= new Agent({
        ...common,
        connect: { timeout: this.options.requestTimeoutMs },
      });
      return this.plainAgent;
    }
    const ca = this.target.caPem();
    if (this.tlsAgent?.ca !== ca) {
      const old = this.tlsAgent?.agent;
      void old?.close().catch(() => old.destroy());
      this.tlsAgent = {
        ca,
        agent: new Agent({
          ...common,
          connect: { ca, rejectUnauthorized: true, timeout: this.options.requestTimeoutMs },
        }),
      };
    }
    return this.tlsAgent.agent;
  }

  private async sendUndici(
    origin: Origin,
    req: WireRequest,
    timeoutMs: number,
  ): Promise<WireResponse> {
    const controller = new AbortController();
    // Made when it fires: an Error captures a stack trace, a cost every request paid.
    let timeout: TransportError | undefined;
    const timer = setTimeout(() => {
      timeout = new TransportError("TIMEOUT", `no complete response within ${timeoutMs} ms`);
      controller.abort(timeout);
    }, timeoutMs);
    try {
      const res = await this.agentFor(origin).request({
        origin: origin.origin,
        path: Buffer.from(req.path, "utf8").toString("latin1"),
        method: req.method,
        headers: req.headers.flatMap(([k, v]) => [k, asLatin1(v)]),
        body: req.body ?? null,
        signal: controller.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        const room = this.maxBodyBytes - kept;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          kept += room;
          truncated = true;
          res.body.destroy();
          break;
        }
        chunks.push(chunk);
        kept += chunk.length;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
      }
      return {
        status: res.statusCode,
        headers,
        body: Buffer.concat(chunks),
        bodyTruncated: truncated,
      };
    } catch (err) {
      throw controller.signal.aborted && timeout !== undefined ? timeout : err;
    } finally {
      clearTimeout(timer);
    }
  }

  private sendRaw(
    origin: Origin,
    req: WireRequest,
    timeoutMs: number,
    secure: boolean,
  ): Promise<WireResponse> {
    return rawExchange(
      {
        host: origin.host,
        port: origin.port,
        timeoutMs,
        maxBodyBytes: this.maxBodyBytes,
        ...(secure ? { tls: { ca: this.target.caPem() } } : {}),
      },
      req,
    );
  }
}
