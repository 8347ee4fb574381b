// Realistic, deterministic sample RunResults for the report writers' tests and golden files.
// Three targets: one CONFORMANT with a waiver (a waived failed MUST), one NON-CONFORMANT (a
// failed MUST with a full reproduction, a failed MUST with two distinct findings, a SHOULD
// warning, a skipped and an inconclusive requirement, an identity left out of the run),
// and one that did not boot.
// Fixed timestamps, seeds and durations keep golden files stable.
import type { Exchange } from "../../harness/http/exchange.ts";
import type { RequirementMeta } from "../../suites/requirement.ts";
import {
  RESULT_SCHEMA_VERSION,
  type RequirementResult,
  type RunResult,
  type TargetResult,
} from "../../suites/result.ts";

/** Metadata of the requirements the fixtures use, quoting docs/SPEC.md sections 3 and 4. */
export const SAMPLE_META = {
  "AUTHN-02": {
    id: "AUTHN-02",
    level: "MUST",
    family: "AUTHN",
    title: "No credentials: 401 with a Basic challenge, no state change",
    sentence:
      "No credentials: every operation answers 401 with a `WWW-Authenticate: Basic ...` challenge, and no state changes.",
    references: {
      owasp: ["API2:2023 Broken Authentication"],
      cwe: [287, 306],
      asvs4: ["2.x", "3.5.2"],
      asvs5: ["6.x"],
    },
    remediation:
      'Require authentication on every route and answer 401 with `WWW-Authenticate: Basic realm="..."` before any handler runs.',
  },
  "AUTHN-06": {
    id: "AUTHN-06",
    level: "SHOULD",
    family: "AUTHN",
    title: "Unknown user and wrong password answer alike",
    sentence:
      "The 401 for an unknown user and for a wrong password are indistinguishable (status, body, headers other than Date) (CWE-204).",
    references: {
      owasp: ["API2:2023 Broken Authentication"],
      cwe: [204],
      asvs4: ["2.x", "3.5.2"],
      asvs5: ["6.x"],
    },
    remediation:
      "Answer every failed login with the same 401 response, whatever the reason, and compare passwords in constant time.",
  },
  "AUTHZ-01": {
    id: "AUTHZ-01",
    level: "MUST",
    family: "AUTHZ",
    title: "Non-admin cannot read another user's record",
    sentence:
      "A non-admin reading another user's record (`/profile?username=V`, `GET /users/V`) is refused, and the response body contains none of V's field values.",
    references: {
      owasp: ["API1:2023 Broken Object Level Authorization"],
      cwe: [639, 285, 862, 863],
      asvs4: ["4.2.1", "4.1.3", "13.1.4"],
      asvs5: ["8.2.2", "8.2.1"],
    },
    remediation:
      "Compare the authenticated user with the record's owner (or check the admin role) in every handler that takes a user name from the request.",
  },
  "AUTHZ-02": {
    id: "AUTHZ-02",
    level: "MUST",
    family: "AUTHZ",
    title: "Non-admin cannot write another user's record",
    sentence:
      "A non-admin writing another user's record (PUT, PATCH, delete, any state-changing operation, with valid bodies) is refused and V's record does not change (a refused delete leaves it readable).",
    references: {
      owasp: ["API1:2023 Broken Object Level Authorization"],
      cwe: [639, 285, 862, 863],
      asvs4: ["4.2.1", "4.1.3", "13.1.4"],
      asvs5: ["8.2.2", "8.2.1"],
    },
    remediation:
      "Check ownership (or the admin role) in every state-changing handler, before any write.",
  },
  "INPUT-01": {
    id: "INPUT-01",
    level: "MUST",
    family: "INPUT",
    title: "Unknown or read-only body keys are rejected atomically",
    sentence:
      "A body with any key outside the writable fields (for example `role`, `is_admin`, `username`, `password`, `__proto__`, `Email`, random keys) answers 400 or 422, and nothing changes: not even the writable fields sent in the same request (the update is atomic).",
    references: {
      owasp: ["API3:2023 Broken Object Property Level Authorization"],
      cwe: [915, 20],
      asvs4: ["5.1.2", "5.1.3", "13.2.2"],
      asvs5: ["15.3.3", "8.2.3", "2.2.1"],
    },
    remediation:
      "Validate request bodies against an allow-list of writable fields (e.g. a schema with additionalProperties: false) before touching the record.",
  },
  "INPUT-03": {
    id: "INPUT-03",
    level: "MUST",
    family: "INPUT",
    title: "Invalid field values are rejected",
    sentence:
      "Writable fields with a wrong type or an invalid value (section 1) answer 400 or 422; no change.",
    references: {
      owasp: ["API3:2023 Broken Object Property Level Authorization"],
      cwe: [915, 20],
      asvs4: ["5.1.2", "5.1.3", "13.2.2"],
      asvs5: ["15.3.3", "8.2.3", "2.2.1"],
    },
    remediation:
      "Validate each writable field's type and value (email grammar, display_name length and no control characters) before storing it.",
  },
  "TLS-05": {
    id: "TLS-05",
    level: "SHOULD",
    family: "TLS",
    title: "HTTPS responses carry HSTS of at least 180 days",
    sentence:
      "Every HTTPS response carries `Strict-Transport-Security` with `max-age` of at least 15552000 (180 days).",
    references: {
      owasp: ["API8:2023 Security Misconfiguration"],
      cwe: [319, 523],
      asvs4: ["9.1.1", "9.1.3", "14.4.5"],
      asvs5: ["12.2.1", "12.1.1", "3.4.1"],
    },
    remediation:
      "Send `Strict-Transport-Security: max-age=31536000` on every HTTPS response, errors included.",
  },
  "TLS-06": {
    id: "TLS-06",
    level: "SHOULD",
    family: "TLS",
    title: "Plaintext port refuses requests that carry credentials",
    sentence:
      "The plaintext port does not transparently redirect API requests that carry credentials: the credentials already crossed the network in clear, so it refuses them (4xx) or is closed (ASVS 5.0 4.1.2).",
    references: {
      owasp: ["API8:2023 Security Misconfiguration"],
      cwe: [319, 523],
      asvs4: ["9.1.1", "9.1.3", "14.4.5"],
      asvs5: ["12.2.1", "12.1.1", "3.4.1", "4.1.2"],
    },
    remediation:
      "Close the plaintext listener, or answer 4xx (not a redirect) to any request with an Authorization header.",
  },
} as const satisfies Record<string, RequirementMeta>;

export type SampleId = keyof typeof SAMPLE_META;

/** A mutable copy of the sample metadata of `id`. */
export function meta(id: SampleId): RequirementMeta {
  const m = SAMPLE_META[id];
  return {
    ...m,
    references: {
      owasp: [...m.references.owasp],
      cwe: [...m.references.cwe],
      asvs4: [...m.references.asvs4],
      asvs5: [...m.references.asvs5],
    },
  };
}

/**
 * Passwords that the sample identities would have had in the run. They appear nowhere in
 * a sample RunResult (only `leakyRun` plants one, base64-encoded in a live Authorization
 * header); tests scan every report for them.
 */
export const FIXTURE_PASSWORDS = [
  "Fjörd:7 horse battery ✓",
  "tr0ub4dor&3-Ü:x",
  "p@ss w0rd;adm1n-Ω",
] as const;

/** The environment variables the sample curl lines read user names and passwords from. */
const ENV = {
  "alice-x1": "ALICE_X1",
  "bob-x2": "BOB_X2",
  "root-a1": "ROOT_A1",
} as const;

type Who = keyof typeof ENV;

/** The redaction label the suites record in place of an Authorization header. */
function authLabel(who: Who): string {
  return `Basic <${who}: password from users.json of the run>`;
}

/** As harness/http/curl.ts writes them: credentials by reference, curl's own headers off. */
function curl(who: Who, method: string, url: string, body?: string): string {
  const parts = [
    'curl --http1.1 --path-as-is -g --max-redirs 0 --cacert "$BAIP_CA"',
    `-u "$BAIP_USER_${ENV[who]}:$BAIP_PASS_${ENV[who]}"`,
    method === "GET" ? "" : `-X ${method}`,
    "-H Accept: -H User-Agent:",
    body === undefined ? "-H 'accept: application/json'" : "-H 'content-type: application/json'",
    body === undefined ? "" : `--data-raw '${body}'`,
    `'${url}'`,
  ];
  return parts.filter((p) => p !== "").join(" ");
}

function credentials(...who: Who[]): string[] {
  return who.map(
    (w) => `users.json of the run, for ${w} (set BAIP_USER_${ENV[w]} and BAIP_PASS_${ENV[w]})`,
  );
}

const BOB_RECORD =
  '{"username":"bob-x2","role":"user","email":"bob.x2@example.test","display_name":"Bob <Ø> & \\"Co\\""}';

/** A GET of alice-x1 that answered 200 with `body`. */
function aliceRead(seq: number, url: string, body: string, durationMs: number): Exchange {
  return {
    seq,
    requirement: "AUTHZ-01",
    authenticatedAs: "alice-x1",
    request: {
      method: "GET",
      url,
      transport: "tls",
      headers: { accept: "application/json", authorization: authLabel("alice-x1") },
      authorization: { kind: "basic", label: authLabel("alice-x1") },
    },
    response: {
      status: 200,
      headers: {
        "content-type": "application/json",
        "cache-control": "no-store",
        "strict-transport-security": "max-age=31536000",
      },
      body,
      bodyTruncated: false,
    },
    durationMs,
  };
}

function bolaTranscript(base: string): Exchange[] {
  return [
    aliceRead(
      211,
      `${base}/users/alice-x1`,
      '{"username":"alice-x1","role":"user","email":"alice.x1@example.test","display_name":"Alice"}',
      9.4,
    ),
    aliceRead(212, `${base}/users/bob-x2`, BOB_RECORD, 11.2),
    aliceRead(213, `${base}/profile?username=bob-x2`, BOB_RECORD, 8.7),
  ];
}

function passed(id: SampleId, durationMs: number, numRuns: number, requests: number) {
  return {
    id,
    meta: meta(id),
    status: "passed",
    durationMs,
    numRuns,
    requests,
  } satisfies RequirementResult;
}

/** The reason the conformant sample's manifest gives for waiving AUTHN-02. */
const AUTHN_02_WAIVER =
  "The health check at GET /healthz answers 200 without credentials by design (load balancer probe; no user data).";

function waivedAuthn02(base: string): RequirementResult {
  const body = '{"status":"ok"}';
  return {
    id: "AUTHN-02",
    meta: meta("AUTHN-02"),
    status: "failed",
    waiver: AUTHN_02_WAIVER,
    durationMs: 1210,
    numRuns: 100,
    requests: 100,
    failures: [
      {
        key: "GET /healthz: no challenge",
        title: "GET /healthz without credentials was not challenged",
        expected: "401 with WWW-Authenticate: Basic",
        actual: "200 without WWW-Authenticate",
        hint: 'Require authentication on every route and answer 401 with `WWW-Authenticate: Basic realm="..."` before any handler runs.',
        reproduction: {
          seed: 1_739_204_611,
          path: "0",
          counterexample: '[{"kind":"GET /healthz"}]',
          command:
            "npx conformance run targets/reference-flask --only AUTHN-02 --seed 1739204611 --runs 100 --path 0",
          curl: [
            `curl --http1.1 --path-as-is -g --max-redirs 0 --cacert "$BAIP_CA" -H Accept: -H User-Agent: '${base}/healthz'`,
          ],
          credentials: [],
        },
        transcript: [
          {
            seq: 4,
            requirement: "AUTHN-02",
            request: { method: "GET", url: `${base}/healthz`, transport: "tls", headers: {} },
            response: {
              status: 200,
              headers: { "content-type": "application/json", "cache-control": "no-store" },
              body,
              bodyTruncated: false,
            },
            durationMs: 3.2,
          },
        ],
      },
    ],
  };
}

function conformantTarget(): TargetResult {
  return {
    name: "reference-flask",
    source: "targets/reference-flask",
    verdict: "CONFORMANT",
    bootMs: 1630,
    durationMs: 43_080,
    requests: 1844,
    waivers: [{ id: "AUTHN-02", reason: AUTHN_02_WAIVER }],
    requirements: [
      waivedAuthn02("https://127.0.0.1:32770"),
      passed("AUTHN-06", 2210, 100, 200),
      passed("AUTHZ-01", 9480, 100, 412),
      passed("INPUT-01", 17_950, 100, 731),
      passed("TLS-05", 35, 1, 0),
      passed("TLS-06", 1390, 100, 100),
    ],
  };
}

function nonConformantTarget(options: SampleRunOptions): TargetResult {
  const base = "https://127.0.0.1:32771";
  const authz01: RequirementResult = {
    id: "AUTHZ-01",
    meta: meta("AUTHZ-01"),
    status: "failed",
    durationMs: 3120,
    numRuns: 17,
    requests: 58,
    failures: [
      {
        key: "GET /users/{id}: record of another user disclosed",
        title: "non-admin read another user's record",
        expected: "403 or 404, and a body without any of bob-x2's field values",
        actual:
          'GET /users/bob-x2 as alice-x1 answered 200 with bob-x2\'s email "bob.x2@example.test" and display_name',
        hint: "Check that the authenticated user owns the record (or is an admin) before loading it.",
        reproduction: {
          seed: 1_739_204_611,
          path: "16:0:1",
          counterexample: '[{"reader":"alice-x1","victim":"bob-x2","read":"GET /users/{id}"}]',
          command:
            "npx conformance run targets/broken-bola --only AUTHZ-01 --seed 1739204611 --runs 100 --path 16:0:1",
          curl: [
            curl("alice-x1", "GET", `${base}/users/bob-x2`),
            curl("alice-x1", "GET", `${base}/profile?username=bob-x2`),
          ],
          credentials: credentials("alice-x1"),
        },
        transcript: bolaTranscript(base),
      },
    ],
  };
  const tls05: RequirementResult = {
    id: "TLS-05",
    meta: meta("TLS-05"),
    status: "failed",
    durationMs: 41,
    numRuns: 1,
    requests: 0,
    failures: [
      {
        key: "any response: no Strict-Transport-Security",
        title: "an HTTPS response without Strict-Transport-Security",
        expected: "Strict-Transport-Security with max-age >= 15552000 on every HTTPS response",
        actual:
          "PUT /users/bob-x2 answered 401 without Strict-Transport-Security (1 of 312 responses)",
        hint: "Set the header in an after-request hook so that error responses carry it too.",
        reproduction: {
          seed: 1_739_204_611,
          command:
            "npx conformance run targets/broken-bola --only TLS-05 --seed 1739204611 --runs 100",
          curl: [
            curl("bob-x2", "PUT", `${base}/users/bob-x2`, '{"display_name":"x"}').replace(
              "$BAIP_PASS_BOB_X2",
              "$BAIP_WRONG_PASS_96",
            ),
          ],
        },
        transcript: [
          {
            seq: 96,
            requirement: "AUTHN-03",
            request: {
              method: "PUT",
              url: `${base}/users/bob-x2`,
              transport: "tls",
              headers: {
                "content-type": "application/json",
                authorization: "Basic <bob-x2: a wrong password (11 chars)>",
              },
              authorization: {
                kind: "basic",
                label: "Basic <bob-x2: a wrong password (11 chars)>",
              },
              body: '{"display_name":"x"}',
              bodyBytes: 20,
            },
            response: {
              status: 401,
              headers: {
                "content-type": "text/html; charset=utf-8",
                "www-authenticate": 'Basic realm="users"',
              },
              body: "<p>Unauthorized: password '[REDACTED]' is not bob-x2's password</p>",
              bodyTruncated: false,
            },
            durationMs: 6.1,
          },
        ],
      },
    ],
  };
  const requirements: RequirementResult[] = [
    passed("AUTHN-06", 2350, 100, 200),
    authz01,
    crossUserWrites(base),
    {
      id: "INPUT-01",
      meta: meta("INPUT-01"),
      status: "inconclusive",
      durationMs: 240,
      numRuns: 0,
      requests: 3,
      reason:
        "positive control INPUT-04 failed (PUT /users/alice-x1 with a valid body answered 500), so a refusal here would prove nothing",
      reasonKind: "positive-control",
    },
    tls05,
    {
      id: "TLS-06",
      meta: meta("TLS-06"),
      status: "skipped",
      durationMs: 0,
      numRuns: 0,
      requests: 0,
      reason: "precondition plaintext-port: the manifest declares no plaintext listener",
      reasonKind: "precondition",
    },
  ];
  if (options.hostile) requirements.splice(4, 0, hostileInput03(base));
  return {
    name: "broken-bola",
    source: "targets/broken-bola",
    verdict: "NON-CONFORMANT",
    bootMs: 1710,
    durationMs: 6_050,
    requests: 261,
    requirements,
    expectedFailures: ["AUTHZ-01", "AUTHZ-02", "TLS-05"],
    excludedIdentities: [
      {
        username: "carol-x3",
        role: "user",
        reason:
          "AUTHN-01: her valid credentials (a password with ':' and non-ASCII characters) answered 401 to GET /users/carol-x3",
      },
    ],
  };
}

/** A write of alice-x1 to bob-x2's record, answered `status`. */
function crossUserWrite(
  base: string,
  seq: number,
  method: "PUT" | "PATCH",
  body: string,
  status: number,
): Exchange {
  return {
    seq,
    requirement: "AUTHZ-02",
    authenticatedAs: "alice-x1",
    request: {
      method,
      url: `${base}/users/bob-x2`,
      transport: "tls",
      headers: { "content-type": "application/json", authorization: authLabel("alice-x1") },
      authorization: { kind: "basic", label: authLabel("alice-x1") },
      body,
      bodyBytes: Buffer.byteLength(body),
    },
    response: {
      status,
      headers: { "cache-control": "no-store", "strict-transport-security": "max-age=31536000" },
      body: "",
      bodyTruncated: false,
    },
    durationMs: 7.5,
  };
}

/** Two distinct failures of one requirement: PATCH changes the record, PUT answers 2xx. */
function crossUserWrites(base: string): RequirementResult {
  const patch = '{"email":"a@b.cd"}';
  const put = '{"email":"a@b.cd","display_name":"A"}';
  return {
    id: "AUTHZ-02",
    meta: meta("AUTHZ-02"),
    status: "failed",
    durationMs: 2480,
    numRuns: 31,
    requests: 96,
    failures: [
      {
        key: "PATCH /users/{id}: state changed",
        title: "non-admin PATCH changed another user's record",
        expected: "403 or 404, and bob-x2's record unchanged",
        actual: 'PATCH /users/bob-x2 as alice-x1 answered 204 and bob-x2\'s email became "a@b.cd"',
        hint: "Check ownership before applying the update.",
        reproduction: {
          seed: 1_739_212_530,
          path: "7:0",
          counterexample:
            '[{"writer":"alice-x1","victim":"bob-x2","op":"PATCH /users/{id}","body":{"email":"a@b.cd"}}]',
          command:
            "npx conformance run targets/broken-bola --only AUTHZ-02 --seed 1739204611 --runs 100 --path 7:0",
          curl: [curl("alice-x1", "PATCH", `${base}/users/bob-x2`, patch)],
          credentials: credentials("alice-x1"),
        },
        transcript: [crossUserWrite(base, 301, "PATCH", patch, 204)],
      },
      {
        key: "PUT /users/{id}: answered success",
        title: "non-admin PUT on another user's record answered 2xx",
        expected: "403 or 404",
        actual: "PUT /users/bob-x2 as alice-x1 answered 200 (the record did not change)",
        hint: "Refuse the request instead of answering success and ignoring it.",
        reproduction: {
          seed: 1_739_220_449,
          path: "2",
          counterexample: '[{"writer":"alice-x1","victim":"bob-x2","op":"PUT /users/{id}"}]',
          command:
            "npx conformance run targets/broken-bola --only AUTHZ-02 --seed 1739204611 --runs 100 --path 2",
          curl: [curl("alice-x1", "PUT", `${base}/users/bob-x2`, put)],
          credentials: credentials("alice-x1"),
        },
        transcript: [crossUserWrite(base, 342, "PUT", put, 200)],
      },
    ],
  };
}

/**
 * A failure whose strings carry what breaks careless writers: control characters (NUL,
 * BEL, ESC, a lone surrogate), XML/HTML markup and a CDATA terminator, Markdown table
 * pipes and backticks.
 */
function hostileInput03(base: string): RequirementResult {
  const name = "\u0000\u0007\u001b[31m</failure>]]><script>alert(1)</script>|`x`|\ud800";
  const body = JSON.stringify({ display_name: name });
  return {
    id: "INPUT-03",
    meta: meta("INPUT-03"),
    status: "failed",
    durationMs: 880,
    numRuns: 4,
    requests: 12,
    failures: [
      {
        key: "PATCH /users/{id}: invalid display_name stored",
        title: `display_name with control characters was stored: ${name}`,
        expected: "400 or 422, and bob-x2's record unchanged",
        actual: `204, and display_name read back as ${JSON.stringify(name)}\nsecond line | with a pipe`,
        hint: "Reject display_name values containing category Cc characters.",
        reproduction: {
          seed: -20_211,
          path: "3:0",
          counterexample: `[{"field":"display_name","value":${JSON.stringify(name)}}]\n<second line & more>`,
          command:
            "npx conformance run targets/broken-bola --only INPUT-03 --seed -20211 --path 3:0",
          curl: [curl("bob-x2", "PATCH", `${base}/users/bob-x2`, body)],
        },
        transcript: [
          {
            seq: 500,
            requirement: "INPUT-03",
            request: {
              method: "PATCH",
              url: `${base}/users/bob-x2`,
              transport: "tls",
              headers: { "content-type": "application/json", authorization: authLabel("bob-x2") },
              body,
              bodyBytes: Buffer.byteLength(body),
            },
            response: {
              status: 204,
              headers: { "x-debug": "\u0000]]>" },
              body: `raw: ${name}\r\nend`,
              bodyTruncated: true,
            },
            durationMs: 5,
          },
          {
            seq: 501,
            requirement: "INPUT-03",
            request: {
              method: "GET",
              url: `${base}/users/bob-x2`,
              transport: "tls",
              headers: { authorization: authLabel("bob-x2") },
            },
            error: { code: "ECONNRESET", message: "socket hang up" },
            durationMs: 3,
          },
        ],
      },
    ],
  };
}

function unbootableTarget(): TargetResult {
  return {
    name: "broken-no-boot",
    source: "targets/broken-no-boot",
    verdict: "INCONCLUSIVE",
    error:
      "did not boot: container 3f9c2a7d41b0 exited with code 1 before port 8443 completed a TLS handshake (waited 60000 ms). Last log lines:\n  File \"/app/app.py\", line 3, in <module>\n    from flask_httpauth import HTTPBasicAuth\nModuleNotFoundError: No module named 'flask_httpauth'",
    durationMs: 60_412,
    requests: 0,
    requirements: [],
  };
}

export interface SampleRunOptions {
  /** Add a failed INPUT-03 whose strings are hostile to XML, HTML and Markdown. */
  hostile?: boolean;
}

/** The sample run: a conformant (with a waiver), a non-conformant and a non-booting target. */
export function sampleRun(options: SampleRunOptions = {}): RunResult {
  return runOf([conformantTarget(), nonConformantTarget(options), unbootableTarget()], {
    numRuns: 100,
    seed: 1_739_204_611,
  });
}

/** A run of `targets` with the sample run's fixed header (profile, tool, timestamps). */
export function runOf(targets: TargetResult[], config: RunResult["config"]): RunResult {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    profile: "BAIP/2",
    tool: { name: "baip-conformance", version: "0.1.0" },
    startedAt: "2025-03-14T09:26:53.589Z",
    finishedAt: "2025-03-14T09:28:41.120Z",
    interrupted: false,
    config,
    targets,
  };
}

/**
 * A run in which an upstream bug left a live credential in the transcript and a curl line:
 * `Authorization: Basic base64("alice-x1:" + FIXTURE_PASSWORDS[0])` and a literal
 * `-u bob-x2:<FIXTURE_PASSWORDS[1]>`. Writers must not let either through.
 */
export function leakyRun(): RunResult {
  const run = sampleRun();
  const target = run.targets[1]!;
  const failure = target.requirements.find((r) => r.id === "AUTHZ-01")!.failures![0]!;
  const live = Buffer.from(`alice-x1:${FIXTURE_PASSWORDS[0]}`, "utf8").toString("base64");
  failure.transcript[1]!.request.headers.authorization = `Basic ${live}`;
  failure.transcript[2]!.request.headers.Cookie = `session=${FIXTURE_PASSWORDS[2]}`;
  failure.reproduction.curl.push(
    `curl --cacert "$BAIP_CA" -u 'bob-x2:${FIXTURE_PASSWORDS[1]}' 'https://127.0.0.1:32771/users/bob-x2'`,
  );
  return run;
}
