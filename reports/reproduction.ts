// The one formatter of a failure's reproduction (STYLE.md 3): every report writer renders
// the seed/path line, replay command, curl lines and credentials line through
// `formatReproduction`, and transcripts through `formatTranscript`, so that JUnit, SARIF,
// HTML and Markdown say the same thing in the same words. Output is plain text; each
// writer escapes it for its own syntax.
import type { Exchange, Transport } from "../harness/http/exchange.ts";
import type { Finding, Reproduction } from "../suites/result.ts";
import { redactHeader, scrubCredentials } from "./sanitize.ts";

type Failure = Finding;

/**
 * How a report names one finding among the failures of its requirement:
 * `Finding 2 of 3 [PATCH /users/{id}: state changed]: <title>`, or just the title when
 * there is only one.
 */
export function findingHeading(
  finding: Pick<Finding, "key" | "title">,
  index: number,
  total: number,
): string {
  return total <= 1
    ? finding.title
    : `Finding ${index + 1} of ${total} [${finding.key}]: ${finding.title}`;
}

/**
 * fast-check's replay parameters, as its failure output prints them:
 * `{ seed: 42, path: "3:1:0", endOnFailure: true }`. Pasted into `fc.assert`'s options it
 * replays the shrunk case.
 */
export function seedPathLine(rep: Pick<Reproduction, "seed" | "path">): string {
  const parts = [`seed: ${rep.seed}`];
  if (rep.path !== undefined) parts.push(`path: ${JSON.stringify(rep.path)}`);
  parts.push("endOnFailure: true");
  return `{ ${parts.join(", ")} }`;
}

/**
 * What a redaction label says about where a password comes from. The suites label an
 * Authorization header `Basic <alice-x1: password from users.json of the run>`; that
 * becomes `users.json of the run (password of alice-x1)`. Other labels (wrong passwords,
 * malformed headers) are quoted: `the redaction label <bob-x2: a wrong password>`.
 */
export function describeCredentialLabel(label: string): string {
  const redacted = redactHeader("authorization", label).trim();
  const inner = redacted
    .replace(/^(?:Basic|Bearer)\s+/i, "")
    .replace(/^<(.*)>$/s, "$1")
    .replace(/^\[REDACTED[^\]]*\]\s+(?=\S)/, "")
    .trim();
  const m = /^(.+?): password from (.+)$/s.exec(inner);
  if (m) {
    const [, who, where] = m as unknown as [string, string, string];
    return where.includes(who) ? where : `${where} (password of ${who})`;
  }
  return `the redaction label <${inner === "" ? redacted : inner}>`;
}

/**
 * Where the passwords of the failing requests come from, one entry per identity, never a
 * password: `reproduction.credentials` when the runner provides it, else what the
 * redaction labels of the transcript's Authorization headers say.
 */
export function credentialSources(failure: Pick<Failure, "reproduction" | "transcript">): string[] {
  if (failure.reproduction.credentials !== undefined) {
    return [...new Set(failure.reproduction.credentials.map(scrubCredentials))];
  }
  const sources: string[] = [];
  for (const ex of failure.transcript) {
    const labels = Object.entries(ex.request.headers)
      .filter(([name]) => name.toLowerCase() === "authorization")
      .map(([, value]) => value);
    if (ex.request.authorization !== undefined) labels.unshift(ex.request.authorization.label);
    for (const label of labels) {
      const source = describeCredentialLabel(label);
      if (!sources.includes(source)) sources.push(source);
    }
  }
  return sources;
}

/** `Credentials: from <where>; <where>`: how to obtain the passwords the curl lines read. */
export function credentialsLine(failure: Pick<Failure, "reproduction" | "transcript">): string {
  const sources = credentialSources(failure);
  return sources.length === 0
    ? "Credentials: none (the failing requests carry no Authorization header)"
    : `Credentials: from ${sources.join("; ")}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((l) => `${prefix}${l}`)
    .join("\n");
}

/**
 * The reproduction block of a failure, in plain text:
 *
 *     Counterexample: [{"reader":"alice-x1","victim":"bob-x2"}]
 *     Replay (fast-check): { seed: 42, path: "3:1", endOnFailure: true }
 *     Replay (CLI): npx conformance run ... --seed 42 --path "3:1"
 *     Reproduce with curl:
 *       curl ...
 *     Credentials: from users.json of the run (password of alice-x1)
 *
 * `counterexample: false` leaves out the first line, for writers that show it apart.
 */
export function formatReproduction(
  failure: Pick<Failure, "reproduction" | "transcript">,
  options: { counterexample?: boolean } = {},
): string {
  const rep = failure.reproduction;
  const lines: string[] = [];
  if (options.counterexample !== false && rep.counterexample !== undefined) {
    lines.push(
      rep.counterexample.includes("\n")
        ? `Counterexample:\n${indent(rep.counterexample, "  ")}`
        : `Counterexample: ${rep.counterexample}`,
    );
  }
  lines.push(`Replay (fast-check): ${seedPathLine(rep)}`);
  lines.push(`Replay (CLI): ${scrubCredentials(rep.command)}`);
  if (rep.curl.length === 0) {
    lines.push("Reproduce with curl: no HTTP exchange to replay");
  } else {
    lines.push("Reproduce with curl:");
    for (const c of rep.curl) lines.push(indent(scrubCredentials(c), "  "));
  }
  lines.push(credentialsLine(failure));
  return lines.join("\n");
}

const TRANSPORT_NAMES: Record<Transport, string> = {
  tls: "HTTPS",
  plaintext: "plain HTTP",
  "plaintext-to-tls-port": "plain HTTP to the TLS port",
};

function headerLines(headers: Record<string, string>, mark: string): string[] {
  return Object.entries(headers).map(([k, v]) => `${mark} ${k}: ${redactHeader(k, v)}`);
}

function bodyLines(body: string, mark: string): string[] {
  return body.split("\n").map((l) => (l === "" ? mark : `${mark} ${l}`));
}

/**
 * One exchange, in the style of `curl -v`: `>` request lines, `<` response lines, `!` a
 * transport error. Credential headers pass through `redactHeader` once more.
 */
export function formatExchange(ex: Exchange): string {
  const req = ex.request;
  const first = [
    `#${ex.seq}`,
    req.method,
    scrubCredentials(req.url),
    "·",
    TRANSPORT_NAMES[req.transport] ?? req.transport,
    ...(ex.authenticatedAs === undefined ? [] : ["·", `as ${ex.authenticatedAs}`]),
    "·",
    `${Math.round(ex.durationMs)} ms`,
  ];
  const lines = [first.join(" "), ...headerLines(req.headers, ">")];
  if (req.body !== undefined) {
    lines.push(">");
    lines.push(...bodyLines(req.body, ">"));
    if (
      req.bodyTruncated ||
      (req.bodyBytes !== undefined && req.bodyBytes > Buffer.byteLength(req.body))
    ) {
      lines.push(
        `> … (body truncated${req.bodyBytes === undefined ? "" : `: ${req.bodyBytes} bytes sent`})`,
      );
    }
  }
  if (ex.response !== undefined) {
    const res = ex.response;
    lines.push(`< ${res.status}`);
    lines.push(...headerLines(res.headers, "<"));
    if (res.body !== "") {
      lines.push("<");
      lines.push(...bodyLines(res.body, "<"));
    }
    if (res.bodyTruncated) lines.push("< … (body truncated)");
  }
  if (ex.error !== undefined) lines.push(`! ${ex.error.code}: ${ex.error.message}`);
  if (ex.response === undefined && ex.error === undefined) lines.push("! no response recorded");
  return lines.join("\n");
}

export function formatTranscript(transcript: readonly Exchange[]): string {
  return transcript.length === 0
    ? "(no exchanges recorded)"
    : transcript.map(formatExchange).join("\n\n");
}

/**
 * Expected / actual / hint of a failure, one labelled line each (multi-line values
 * indented), as JUnit bodies and SARIF messages print them.
 */
export function formatExpectedActual(
  failure: Pick<Failure, "expected" | "actual" | "hint">,
): string {
  const field = (label: string, value: string) =>
    value.includes("\n") ? `${label}:\n${indent(value, "  ")}` : `${label}: ${value}`;
  const lines = [field("Expected", failure.expected), field("Actual", failure.actual)];
  if (failure.hint !== "") lines.push(field("Hint", failure.hint));
  return lines.join("\n");
}
