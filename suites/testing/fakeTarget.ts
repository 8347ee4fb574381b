// An in-memory implementation of docs/SPEC.md section 1 for the suite's own unit tests:
// every contract endpoint, Basic authentication (RFC 7617, UTF-8), 401 challenges,
// 403/404 refusals, strict input validation, HSTS and Cache-Control headers, and an
// optional plaintext listener. Each planted defect is a named switch (STYLE.md 9), listed
// in FAKE_DEFECTS with the requirement IDs it is built to break.
//
// It runs in process: `sender` is an ExchangeSender that calls the handler directly and
// records exchanges the way the real client does (Authorization replaced by its label).
// `createFakeServer` serves the same handler over node:http for tests that want sockets,
// and `listenTls` answers real TLS handshakes (TLS-04 is judged on those, not on exchanges).
import { createServer, type Server } from "node:http";
import net from "node:net";
import tls from "node:tls";
import type {
  Exchange,
  RecordedRequest,
  RequestSpec,
  Transport,
} from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import { manifestSchema, type TargetManifest } from "../../harness/manifest/schema.ts";
import type { StartedTarget } from "../../harness/target/startedTarget.ts";
import type { ExchangeSender } from "../runner/suiteContext.ts";

/**
 * Planted defects: what each does, the requirements it makes fail when the whole
 * catalogue runs (`breaks`; a dependent of a failed positive control is INCONCLUSIVE, so
 * it is not listed), and those it makes fail on some seeds only (`mayBreak`).
 * suites/testing/fakeTarget.matrix.test.ts runs the whole catalogue against the fake with
 * each defect and checks that it fails exactly these.
 */
export const FAKE_DEFECTS = {
  // AUTHN
  acceptsPasswordPrefix: {
    breaks: ["AUTHN-03"],
    mayBreak: ["MODEL-01"],
    does: "accepts any non-empty prefix of the real password",
  },
  caseInsensitivePassword: {
    breaks: ["AUTHN-03"],
    mayBreak: ["MODEL-01"],
    does: "compares passwords case-insensitively",
  },
  acceptsEmptyPassword: {
    breaks: ["AUTHN-03"],
    mayBreak: ["MODEL-01"],
    does: "accepts the empty password",
  },
  caseInsensitiveUsername: { breaks: ["AUTHN-04"], does: "looks user names up case-insensitively" },
  trimsUsername: { breaks: ["AUTHN-04"], does: "trims whitespace around the user name" },
  splitsAtLastColon: {
    breaks: ["AUTHN-01"],
    does: "splits user-pass at the last colon, so passwords with ':' fail",
  },
  latin1Credentials: {
    breaks: ["AUTHN-01"],
    does: "decodes credentials as ISO-8859-1, so non-ASCII passwords fail",
  },
  noChallenge: { breaks: ["AUTHN-02"], does: "answers 401 without WWW-Authenticate" },
  anonymousReads: {
    breaks: ["AUTHN-02", "MODEL-01"],
    does: "serves GET requests without credentials as the record's owner",
  },
  anySchemeAsBasic: {
    breaks: ["AUTHN-05"],
    does: "decodes the token after any scheme (Bearer, Token, ...) as Basic credentials",
  },
  serverErrorOnMalformedAuth: {
    breaks: ["AUTHN-05", "ERR-01"],
    does: "answers 500 for invalid base64 or non-UTF-8 credentials",
  },
  userEnumeration: {
    breaks: ["AUTHN-06"],
    does: "says 'unknown user' or 'wrong password' in the 401 body",
  },
  // AUTHZ
  // AUTHZ-03 and -04 send the same cross-user requests (with claims, by path variants):
  // they succeed anyway.
  bolaRead: {
    breaks: ["AUTHZ-01", "AUTHZ-03", "AUTHZ-04", "MODEL-01"],
    does: "any authenticated user reads any record",
  },
  bolaWrite: {
    breaks: ["AUTHZ-02", "AUTHZ-03", "AUTHZ-04", "MODEL-01"],
    does: "any authenticated user updates any record",
  },
  trustsIdentityHeaders: {
    breaks: ["AUTHZ-03"],
    does: "acts as the user named by X-User / X-Forwarded-User, and as admin on X-Role: admin",
  },
  methodOverrideOnPost: {
    breaks: ["AUTHZ-03"],
    does: "a POST with X-HTTP-Method-Override or _method naming PUT/PATCH updates any record, unchecked",
  },
  unguardedTrailingSlash: {
    breaks: ["AUTHZ-04"],
    does: "serves /users/U/ (trailing slash) without the ownership check",
  },
  refusesEverything: {
    breaks: ["AUTHN-01"],
    does: "answers 403 to every authenticated request",
  },
  writesRefused: {
    breaks: ["AUTHZ-05"],
    does: "answers 403 to every update",
  },
  // INPUT
  massAssignment: {
    breaks: ["INPUT-01", "AUTHZ-06", "MODEL-01"],
    does: "applies role / is_admin from the body; ignores other unknown keys",
  },
  ignoresUnknownKeys: {
    breaks: ["INPUT-01", "MODEL-01"],
    does: "drops unknown keys and applies the rest",
  },
  nonAtomic: {
    breaks: ["INPUT-01", "INPUT-03", "MODEL-01"],
    does: "applies fields in body order and stops with 400 at the first bad key or value",
  },
  acceptsInvalidEmail: {
    breaks: ["INPUT-03"],
    mayBreak: ["MODEL-01"],
    does: "stores any string as email",
  },
  acceptsInvalidDisplayName: {
    breaks: ["INPUT-03", "MODEL-01"],
    does: "stores any string as display_name (empty, long, control characters)",
  },
  coercesWrongTypes: {
    breaks: ["INPUT-03"],
    mayBreak: ["MODEL-01"],
    does: 'turns non-string values into strings (5 -> "5") before validating',
  },
  // AUTHZ-05 writes plain ASCII values, so these are INPUT-04's (round trip) to find.
  lowercasesEmail: {
    breaks: ["INPUT-04"],
    mayBreak: ["MODEL-01"],
    does: "stores email lower-cased",
  },
  normalizesDisplayName: {
    breaks: ["INPUT-04"],
    mayBreak: ["MODEL-01"],
    does: "stores display_name NFC-normalized",
  },
  patchClearsOtherField: {
    breaks: ["INPUT-04"],
    mayBreak: ["MODEL-01"],
    does: "PATCH resets the writable fields it was not sent to an empty string",
  },
  putAcceptsPartial: {
    breaks: ["INPUT-04"],
    does: "PUT accepts a body without every writable field",
  },
  fivehundredOnArray: { breaks: ["INPUT-02", "ERR-01"], does: "answers 500 to a JSON array body" },
  ignoresContentType: {
    breaks: ["INPUT-05"],
    does: "parses the body as JSON (or a form) whatever its Content-Type",
  },
  noBodyLimit: { breaks: ["INPUT-06"], does: "accepts bodies of any size" },
  serverErrorOnOversized: {
    breaks: ["INPUT-06", "ERR-01"],
    does: "answers 500 to bodies over 64 KiB",
  },
  // MODEL
  staleProfileAfterAdminWrite: {
    breaks: ["MODEL-01"],
    does: "caches /profile per user and invalidates it only on the owner's own writes",
  },
  // TLS
  plaintextServes: {
    breaks: ["TLS-01", "TLS-02", "TLS-06", "MODEL-01"],
    does: "the plaintext listener serves the API",
  },
  plaintextWriteThenRedirect: {
    breaks: ["TLS-02", "TLS-06", "MODEL-01"],
    does: "the plaintext listener applies the request, then redirects to https://",
  },
  plaintextRedirects: {
    breaks: ["TLS-06"],
    does: "the plaintext listener redirects every request to https:// without processing it",
  },
  plaintextOnTlsPort: {
    breaks: ["TLS-03"],
    does: "plain HTTP sent to the TLS port is served",
  },
  noHsts: { breaks: ["TLS-05"], does: "no Strict-Transport-Security header" },
  acceptsLegacyTls: {
    breaks: ["TLS-04"],
    does: "the TLS listener (listenTls) completes TLS 1.0 and 1.1 handshakes",
  },
  shortHsts: { breaks: ["TLS-05"], does: "Strict-Transport-Security max-age=86400" },
  // CACHE
  noCacheControl: { breaks: ["CACHE-01"], does: "no Cache-Control header" },
  publicCache: { breaks: ["CACHE-01"], does: "Cache-Control: public, max-age=300" },
  // ERR
  stackTraces: { breaks: ["ERR-02"], does: "error bodies carry a Python traceback" },
} as const satisfies Record<string, FakeDefectSpec>;

export interface FakeDefectSpec {
  does: string;
  breaks: readonly string[];
  mayBreak?: readonly string[];
}

export type FakeDefect = keyof typeof FAKE_DEFECTS;

/** Seeded identities: passwords with ':', spaces and non-ASCII (docs/SPEC.md 2). */
export const FAKE_IDENTITIES: readonly Identity[] = [
  {
    username: "alice",
    password: "s3cret:with space ü",
    role: "user",
    email: "alice@example.org",
    display_name: "Alice Ünal",
    passwordSource: "fake target (alice)",
  },
  {
    username: "bob-2",
    password: "b0b: pass☃word",
    role: "user",
    email: "bob.two+tag@mail.example.com",
    display_name: "Bob 🎈 Two",
    passwordSource: "fake target (bob-2)",
  },
  {
    username: "carol_3",
    password: "ça:r ol:ñ9",
    role: "user",
    email: "carol_3@example.net",
    display_name: "carol",
    passwordSource: "fake target (carol_3)",
  },
  {
    username: "root-admin",
    password: "adm1n: pässwörd ✓",
    role: "admin",
    email: "root@admin.example.org",
    display_name: "Root Admin",
    passwordSource: "fake target (root-admin)",
  },
];

export const FAKE_TLS_URL = "https://127.0.0.1:8443";
export const FAKE_PLAINTEXT_URL = "http://127.0.0.1:8080";
/** Bodies over this many bytes are refused with 413 (docs/SPEC.md INPUT-06). */
export const FAKE_BODY_LIMIT = 64 * 1024;
const FIELDS = ["email", "display_name"] as const;
type Field = (typeof FIELDS)[number];

/** The manifest of the fake, shaped like the flask-reference's target.yaml. */
export function fakeManifest(
  options: { plaintext?: boolean; identities?: readonly Identity[] } = {},
): TargetManifest {
  const identities = options.identities ?? FAKE_IDENTITIES;
  return manifestSchema.parse({
    name: "fake-target",
    description: "in-process fake of docs/SPEC.md section 1 (suite unit tests)",
    boot: { url: FAKE_TLS_URL },
    ...(options.plaintext === false ? {} : { plaintext: { url: FAKE_PLAINTEXT_URL } }),
    identities: {
      list: identities.map(({ username, password, role, email, display_name }) => ({
        username,
        password,
        role,
        email,
        display_name,
      })),
    },
    privilegedRoles: ["admin"],
    resources: [
      {
        name: "user",
        idField: "username",
        ownerField: "username",
        roleField: "role",
        reads: [
          { method: "GET", path: "/users/{id}", who: "owner-or-privileged" },
          { method: "GET", path: "/profile?username={id}", who: "owner" },
        ],
        snapshotRead: 0,
        replace: { method: "PUT", path: "/users/{id}", who: "owner-or-privileged" },
        merge: { method: "PATCH", path: "/users/{id}", who: "owner-or-privileged" },
        writable: { email: { kind: "email" }, display_name: { kind: "display_name" } },
        readOnly: { username: "username", role: "role" },
      },
    ],
  });
}

/** One record of the store (contract names). */
export interface FakeRecord {
  username: string;
  role: string;
  email: string;
  display_name: string;
}

/** A request as the handler sees it. */
export interface FakeRequest {
  transport: Transport;
  method: string;
  /** Path and query, as sent on the wire. */
  path: string;
  /** Lower-cased names. `authorization` holds the raw header value (latin1 for bytes). */
  headers: Record<string, string>;
  body: Buffer;
}

export interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The handler answers, or the connection fails (closed port). */
export type FakeResult = FakeResponse | { error: { code: string; message: string } };

export interface FakeTargetOptions {
  defects?: Iterable<FakeDefect>;
  /** Declare and serve a plaintext listener (default true). */
  plaintext?: boolean;
  identities?: readonly Identity[];
}

export interface FakeTarget {
  target: StartedTarget;
  sender: ExchangeSender;
  /** Mutable: tests may switch defects on and off between runs. */
  defects: Set<FakeDefect>;
  /** username -> record. */
  store: Map<string, FakeRecord>;
  /** Every exchange the sender recorded, in order. */
  exchanges: Exchange[];
  /** How many times reset() re-seeded the store. */
  resets(): number;
  handle(request: FakeRequest): FakeResult;
  /** Serve real TLS handshakes for TLS-04 (see listenTls); resolves to a close function. */
  listenTls(pki: FakeTlsPki): Promise<() => Promise<void>>;
}

/** A server certificate and key, and the CA that issued them. */
export interface FakeTlsPki {
  certPem: string;
  keyPem: string;
  caPem: string;
}

// --- value rules (docs/SPEC.md section 1) -----------------------------------------------

const LOCAL = /^[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;
const LAST_LABEL = /^[A-Za-z]{2,63}$/;

/** The MUST-accept set of section 1 (the fake chooses to reject everything else). */
export function isContractEmail(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.split("@");
  if (at.length !== 2) return false;
  const [local, domain] = at as [string, string];
  if (local.length < 1 || local.length > 64 || !LOCAL.test(local)) return false;
  const labels = domain.split(".");
  if (labels.length < 2) return false;
  if (!labels.every((l) => l.length >= 1 && l.length <= 63 && LABEL.test(l))) return false;
  return LAST_LABEL.test(labels[labels.length - 1]!);
}

export function isContractDisplayName(value: string): boolean {
  const codePoints = [...value].length;
  return codePoints >= 1 && codePoints <= 64 && !/\p{Cc}/u.test(value);
}

// --- the fake ---------------------------------------------------------------------------

const CHALLENGE = 'Basic realm="baip", charset="UTF-8"';
const TRACEBACK =
  'Traceback (most recent call last):\n  File "/app/app.py", line 42, in update_user\n    user.update(**payload)\nValueError: bad request';

class HttpError {
  constructor(
    readonly status: number,
    readonly message: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

interface Actor {
  record: FakeRecord;
  admin: boolean;
}

export function createFakeTarget(options: FakeTargetOptions = {}): FakeTarget {
  const identities = options.identities ?? FAKE_IDENTITIES;
  const plaintext = options.plaintext !== false;
  const manifest = fakeManifest({ plaintext, identities });
  const defects = new Set<FakeDefect>(options.defects ?? []);
  const store = new Map<string, FakeRecord>();
  const profileCache = new Map<string, FakeRecord>();
  const exchanges: Exchange[] = [];
  let resetCount = 0;
  let seq = 0;
  let tlsListener: { port: number; caPem: string } | undefined;

  const seed = () => {
    store.clear();
    profileCache.clear();
    for (const { username, role, email, display_name } of identities) {
      store.set(username, { username, role, email, display_name });
    }
  };
  seed();
  const has = (d: FakeDefect) => defects.has(d);

  function baseHeaders(transport: Transport): Record<string, string> {
    const h: Record<string, string> = { "content-type": "application/json" };
    if (transport === "tls" && !has("noHsts")) {
      h["strict-transport-security"] = has("shortHsts")
        ? "max-age=86400"
        : "max-age=31536000; includeSubDomains";
    }
    if (has("publicCache")) h["cache-control"] = "public, max-age=300";
    else if (!has("noCacheControl")) h["cache-control"] = "no-store";
    return h;
  }

  function json(transport: Transport, status: number, value: unknown, extra = {}): FakeResponse {
    return {
      status,
      headers: { ...baseHeaders(transport), ...extra },
      body: JSON.stringify(value),
    };
  }

  function errorResponse(transport: Transport, e: HttpError): FakeResponse {
    const body: Record<string, string> = { error: e.message };
    if (has("stackTraces") && e.status >= 400 && e.status !== 401) body.detail = TRACEBACK;
    return json(transport, e.status, body, e.headers);
  }

  function authenticate(req: FakeRequest): Actor | undefined {
    const header = req.headers.authorization;
    if (header === undefined) {
      if (has("anonymousReads") && req.method === "GET") return undefined;
      throw unauthenticated("authentication required");
    }
    if (header.length > 8192) throw new HttpError(431, "authorization header too large");
    const m = (
      has("anySchemeAsBasic") ? /^\S+ ([A-Za-z0-9+/]*={0,2})$/ : /^basic ([A-Za-z0-9+/]*={0,2})$/i
    ).exec(header);
    if (!m || m[1]!.length % 4 !== 0) {
      if (has("serverErrorOnMalformedAuth") && /^basic /i.test(header)) {
        throw new HttpError(500, "internal server error");
      }
      throw unauthenticated("malformed credentials");
    }
    const bytes = Buffer.from(m[1]!, "base64");
    let userPass: string;
    if (has("latin1Credentials")) userPass = bytes.toString("latin1");
    else {
      try {
        userPass = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        if (has("serverErrorOnMalformedAuth")) throw new HttpError(500, "internal server error");
        throw unauthenticated("malformed credentials");
      }
    }
    const colon = has("splitsAtLastColon") ? userPass.lastIndexOf(":") : userPass.indexOf(":");
    if (colon < 0) throw unauthenticated("malformed credentials");
    let username = userPass.slice(0, colon);
    const password = userPass.slice(colon + 1);
    if (has("trimsUsername")) username = username.trim();
    const identity = identities.find((i) =>
      has("caseInsensitiveUsername")
        ? i.username.toLowerCase() === username.toLowerCase()
        : i.username === username,
    );
    if (!identity)
      throw unauthenticated(has("userEnumeration") ? "unknown user" : "invalid credentials");
    if (!passwordMatches(identity.password, password)) {
      throw unauthenticated(has("userEnumeration") ? "wrong password" : "invalid credentials");
    }
    const record = store.get(identity.username);
    if (!record) throw unauthenticated("invalid credentials");
    let actor: Actor = { record, admin: manifest.privilegedRoles.includes(record.role) };
    if (has("trustsIdentityHeaders")) {
      const claimed = req.headers["x-user"] ?? req.headers["x-forwarded-user"];
      const other = claimed === undefined ? undefined : store.get(claimed);
      if (other) actor = { record: other, admin: manifest.privilegedRoles.includes(other.role) };
      if (req.headers["x-role"]?.toLowerCase() === "admin") actor = { ...actor, admin: true };
    }
    return actor;
  }

  function passwordMatches(real: string, given: string): boolean {
    if (given === real) return true;
    if (has("acceptsEmptyPassword") && given === "") return true;
    if (has("acceptsPasswordPrefix") && given.length > 0 && real.startsWith(given)) return true;
    if (has("caseInsensitivePassword") && given.toLowerCase() === real.toLowerCase()) return true;
    return false;
  }

  function unauthenticated(message: string): HttpError {
    return new HttpError(401, message, has("noChallenge") ? {} : { "www-authenticate": CHALLENGE });
  }

  function parseBody(req: FakeRequest): unknown {
    if (req.body.length > FAKE_BODY_LIMIT && !has("noBodyLimit")) {
      if (has("serverErrorOnOversized")) throw new HttpError(500, "internal server error");
      throw new HttpError(413, "request body too large");
    }
    const contentType = req.headers["content-type"];
    const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
    const isJson = mediaType === "application/json";
    if (!isJson && !has("ignoresContentType")) {
      throw new HttpError(415, "Content-Type must be application/json");
    }
    if (req.body.length === 0) throw new HttpError(400, "empty body");
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(req.body);
    } catch {
      throw new HttpError(400, "body is not UTF-8");
    }
    try {
      return JSON.parse(text);
    } catch {
      if (!isJson && mediaType === "application/x-www-form-urlencoded") {
        return Object.fromEntries(new URLSearchParams(text));
      }
      throw new HttpError(400, "malformed JSON");
    }
  }

  /** Validate and apply an update; returns the updated record. */
  function update(target: FakeRecord, body: unknown, replace: boolean, actor: Actor): FakeRecord {
    if (Array.isArray(body) && has("fivehundredOnArray")) {
      throw new HttpError(500, "internal server error");
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new HttpError(400, "body must be a JSON object");
    }
    const entries = Object.entries(body as Record<string, unknown>);
    // PUT replaces both writable fields: a missing one is refused before anything else.
    const missing = FIELDS.filter((f) => !Object.hasOwn(body, f));
    if (replace && missing.length > 0 && !has("putAcceptsPartial")) {
      throw new HttpError(400, `PUT requires ${missing.join(" and ")}`);
    }
    const next: FakeRecord = { ...target };
    const sent = new Set<string>();
    const apply = () => {
      Object.assign(target, next);
      if (actor.record.username === target.username) profileCache.delete(target.username);
    };
    for (const [key, raw] of entries) {
      if (!(FIELDS as readonly string[]).includes(key)) {
        if (has("massAssignment")) {
          if (key === "role" && (raw === "admin" || raw === "user")) next.role = raw;
          if (key === "is_admin" && typeof raw === "boolean") next.role = raw ? "admin" : "user";
          sent.add(key);
          continue;
        }
        if (has("ignoresUnknownKeys")) continue;
        if (has("nonAtomic")) apply();
        throw new HttpError(400, `unknown field: ${key}`);
      }
      const field = key as Field;
      const value = has("coercesWrongTypes") && typeof raw !== "string" ? String(raw) : raw;
      if (!validValue(field, value)) {
        if (has("nonAtomic")) apply();
        throw new HttpError(422, `invalid value for ${field}`);
      }
      next[field] = stored(field, value as string);
      sent.add(field);
      if (has("nonAtomic")) apply();
    }
    if (sent.size === 0) throw new HttpError(400, "no writable field in body");
    if (!replace && has("patchClearsOtherField")) {
      for (const f of FIELDS) if (!sent.has(f)) next[f] = "";
    }
    apply();
    return { ...target };
  }

  function validValue(field: Field, value: unknown): boolean {
    if (typeof value !== "string") return false;
    if (field === "email") return has("acceptsInvalidEmail") || isContractEmail(value);
    return has("acceptsInvalidDisplayName") || isContractDisplayName(value);
  }

  function stored(field: Field, value: string): string {
    if (field === "email" && has("lowercasesEmail")) return value.toLowerCase();
    if (field === "display_name" && has("normalizesDisplayName")) return value.normalize("NFC");
    return value;
  }

  function route(req: FakeRequest, actor: Actor | undefined): FakeResponse {
    const t = req.transport;
    const q = req.path.indexOf("?");
    const path = q < 0 ? req.path : req.path.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : req.path.slice(q + 1));
    if (path === "/profile") {
      if (req.method !== "GET") throw new HttpError(405, "method not allowed", { allow: "GET" });
      const names = query.getAll("username");
      if (names.length !== 1) throw new HttpError(400, "exactly one username parameter");
      const name = names[0]!;
      const owner = actor?.record.username ?? name;
      if (name !== owner && !has("bolaRead")) throw new HttpError(403, "forbidden");
      const record = store.get(name);
      if (!record) throw new HttpError(404, "not found");
      if (has("staleProfileAfterAdminWrite")) {
        const cached = profileCache.get(name) ?? { ...record };
        profileCache.set(name, cached);
        return json(t, 200, cached);
      }
      return json(t, 200, record);
    }
    const m = /^\/users\/([^/]+)(\/?)$/.exec(path);
    if (!m || (m[2] === "/" && !has("unguardedTrailingSlash")))
      throw new HttpError(404, "not found");
    let id: string;
    try {
      id = decodeURIComponent(m[1]!);
    } catch {
      throw new HttpError(400, "bad path");
    }
    const guarded = m[2] !== "/";
    const record = store.get(id);
    const isOwner = actor !== undefined && actor.record.username === id;
    const mayRead = !guarded || isOwner || actor?.admin || has("bolaRead") || actor === undefined;
    const mayWrite = !guarded || isOwner || actor?.admin || has("bolaWrite");
    const override = has("methodOverrideOnPost") && req.method === "POST" && overrideOf(req, query);
    if (override === "PUT" || override === "PATCH") {
      // The legacy POST route dispatches to the update, past the owner check.
      if (!record) throw new HttpError(404, "not found");
      return json(t, 200, update(record, parseBody(req), override === "PUT", actor!));
    }
    if (req.method === "GET") {
      if (!mayRead) throw new HttpError(403, "forbidden");
      if (!record) throw new HttpError(404, "not found");
      return json(t, 200, record);
    }
    if (req.method === "PUT" || req.method === "PATCH") {
      if (!mayWrite) throw new HttpError(403, "forbidden");
      if (!record) throw new HttpError(404, "not found");
      if (has("writesRefused")) throw new HttpError(403, "forbidden");
      const body = parseBody(req);
      return json(t, 200, update(record, body, req.method === "PUT", actor!));
    }
    throw new HttpError(405, "method not allowed", { allow: "GET, PUT, PATCH" });
  }

  /** The method a POST claims to be (header or `_method`), as method-override middlewares read it. */
  function overrideOf(req: FakeRequest, query: URLSearchParams): string | undefined {
    const claimed =
      req.headers["x-http-method-override"] ??
      req.headers["x-http-method"] ??
      req.headers["x-method-override"] ??
      query.get("_method") ??
      undefined;
    return claimed?.toUpperCase();
  }

  function handle(req: FakeRequest): FakeResult {
    const t = req.transport;
    if (t === "plaintext") {
      if (!plaintext) return { error: { code: "ECONNREFUSED", message: "connection refused" } };
      if (has("plaintextRedirects")) return redirect(req);
      if (!has("plaintextServes") && !has("plaintextWriteThenRedirect")) {
        return errorResponse(t, new HttpError(403, "HTTPS required"));
      }
    }
    if (t === "plaintext-to-tls-port" && !has("plaintextOnTlsPort")) {
      return errorResponse(t, new HttpError(400, "The plain HTTP request was sent to HTTPS port"));
    }
    let response: FakeResponse;
    try {
      const actor = authenticate(req);
      if (actor && has("refusesEverything")) throw new HttpError(403, "forbidden");
      response = route(req, actor);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      response = errorResponse(t, e);
    }
    return t === "plaintext" && has("plaintextWriteThenRedirect") ? redirect(req) : response;
  }

  function redirect(req: FakeRequest): FakeResponse {
    return {
      status: 301,
      headers: { location: `${FAKE_TLS_URL}${req.path}`, "content-type": "text/plain" },
      body: "",
    };
  }

  const sender: ExchangeSender = {
    async send(spec: RequestSpec): Promise<Exchange> {
      const { request, recorded } = toFakeRequest(spec);
      const result = handle(request);
      const exchange: Exchange = { seq: ++seq, request: recorded, durationMs: 0 };
      if ("error" in result) exchange.error = result.error;
      else exchange.response = { ...result, bodyTruncated: false };
      exchanges.push(exchange);
      return exchange;
    },
  };

  const target: StartedTarget = {
    manifest,
    baseUrl: () => FAKE_TLS_URL,
    plaintextUrl: () => (plaintext ? FAKE_PLAINTEXT_URL : undefined),
    tlsEndpoint: () => ({ host: "127.0.0.1", port: tlsListener?.port ?? 8443 }),
    caPem: () => tlsListener?.caPem ?? "",
    identities: () => identities,
    containerId: () => undefined,
    isAlive: async () => true,
    logTail: async () => "",
    async reset() {
      resetCount++;
      seed();
    },
    async stop() {},
    bootMs: 0,
    async [Symbol.asyncDispose]() {},
  };

  /**
   * TLS-04 is judged on handshakes, not exchanges: a real listener on 127.0.0.1 whose
   * protocol floor follows the defects at each connection (TLS 1.2, or TLS 1.0 with
   * `acceptsLegacyTls`). It completes the handshake and closes; HTTP stays in process.
   */
  async function listenTls(pki: FakeTlsPki): Promise<() => Promise<void>> {
    const modern = tls.createSecureContext({
      key: pki.keyPem,
      cert: pki.certPem,
      minVersion: "TLSv1.2",
    });
    const legacy = tls.createSecureContext({
      key: pki.keyPem,
      cert: pki.certPem,
      minVersion: "TLSv1",
      ciphers: "DEFAULT@SECLEVEL=0",
    });
    const server = net.createServer((socket) => {
      socket.on("error", () => socket.destroy());
      const secure = new tls.TLSSocket(socket, {
        isServer: true,
        secureContext: has("acceptsLegacyTls") ? legacy : modern,
      });
      secure.on("secure", () => secure.end());
      secure.on("error", () => secure.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    tlsListener = { port: (server.address() as net.AddressInfo).port, caPem: pki.caPem };
    return () =>
      new Promise<void>((resolve) => {
        tlsListener = undefined;
        server.close(() => resolve());
      });
  }

  return {
    target,
    sender,
    defects,
    store,
    exchanges,
    resets: () => resetCount,
    handle,
    listenTls,
  };
}

/** RequestSpec -> what the handler sees, and the redacted record of it. */
function toFakeRequest(spec: RequestSpec): { request: FakeRequest; recorded: RecordedRequest } {
  const transport = spec.transport ?? "tls";
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.headers ?? {})) headers[k.toLowerCase()] = v;
  let body: Buffer = Buffer.alloc(0);
  if (spec.json !== undefined) {
    body = Buffer.from(JSON.stringify(spec.json), "utf8");
    headers["content-type"] ??= "application/json";
  } else if (spec.rawBody) {
    body = Buffer.isBuffer(spec.rawBody.data)
      ? spec.rawBody.data
      : Buffer.from(spec.rawBody.data, "utf8");
    if (spec.rawBody.contentType !== undefined) headers["content-type"] = spec.rawBody.contentType;
  }
  const recordedHeaders = { ...headers };
  if (spec.auth) {
    const token = Buffer.from(`${spec.auth.username}:${spec.auth.password}`, "utf8").toString(
      "base64",
    );
    headers.authorization = `Basic ${token}`;
    recordedHeaders.authorization = spec.auth.label;
  } else if (spec.rawAuthorization) {
    const v = spec.rawAuthorization.value;
    headers.authorization = Buffer.isBuffer(v) ? v.toString("latin1") : v;
    recordedHeaders.authorization = spec.rawAuthorization.label;
  }
  const base =
    transport === "tls"
      ? FAKE_TLS_URL
      : transport === "plaintext"
        ? FAKE_PLAINTEXT_URL
        : "http://127.0.0.1:8443";
  const recorded: RecordedRequest = {
    method: spec.method,
    url: `${base}${spec.path}`,
    transport,
    headers: recordedHeaders,
    ...(body.length > 0
      ? { body: body.subarray(0, 4096).toString("utf8"), bodyBytes: body.length }
      : {}),
  };
  return { request: { transport, method: spec.method, path: spec.path, headers, body }, recorded };
}

/**
 * Serve a fake's handler over node:http (plain HTTP on 127.0.0.1), for tests that need a
 * socket. Every request is handled as transport "tls" unless `transport` says otherwise.
 */
export function createFakeServer(fake: FakeTarget, transport: Transport = "tls"): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      }
      const result = fake.handle({
        transport,
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers,
        body: Buffer.concat(chunks),
      });
      if ("error" in result) {
        req.socket.destroy();
        return;
      }
      res.writeHead(result.status, result.headers);
      res.end(result.body);
    });
  });
}
