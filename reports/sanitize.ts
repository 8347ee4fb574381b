// Defence in depth for credentials. The harness records exchanges redacted (the
// Authorization header holds a label, never the password) and builds curl lines that read
// passwords from environment variables. Report writers still never trust that: every writer
// passes the run through `sanitizeRun` first, which replaces anything that looks like a live
// credential (a Basic/Bearer token, a cookie value, a literal `-u user:password`, a
// password in a URL) with a marker. It never removes a redaction label that is already
// there.
import type { Exchange } from "../harness/http/exchange.ts";
import type { Finding, RequirementResult, RunResult, TargetResult } from "../suites/result.ts";

export const WRITER_REDACTION = "[REDACTED by report writer]";

const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization"]);

/** A header value that carries a credential rather than a redaction label. */
function looksLikeLiveCredential(value: string): boolean {
  if (value.includes("[REDACTED")) return false;
  return (
    /^\s*Basic\s+[A-Za-z0-9+/_-]{2,}={0,2}\s*$/i.test(value) || /^\s*Bearer\s+\S+\s*$/i.test(value)
  );
}

/** The value to show for a recorded header. */
export function redactHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (CREDENTIAL_HEADERS.has(lower)) {
    if (!looksLikeLiveCredential(value)) return value;
    const scheme = /^\s*(\S+)/.exec(value)?.[1] ?? "";
    return `${scheme} ${WRITER_REDACTION}`;
  }
  if (lower === "cookie") {
    // Only the cookie names survive; anything that does not parse as `name=` is dropped.
    const names = Array.from(
      value.matchAll(/(?:^|;)\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=/g),
      (m) => m[1],
    );
    return names.length === 0
      ? WRITER_REDACTION
      : names.map((n) => `${n}=${WRITER_REDACTION}`).join("; ");
  }
  if (lower === "set-cookie") {
    // Each cookie keeps its name and attributes (Path, HttpOnly, ...); its value goes.
    return value
      .split(/,\s*(?=[!#$%&'*+\-.^_`|~0-9A-Za-z]+=)/)
      .map((cookie) => {
        const m = /^\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=[^;]*(;.*)?$/s.exec(cookie);
        return m ? `${m[1]}=${WRITER_REDACTION}${m[2] ?? ""}` : WRITER_REDACTION;
      })
      .join(", ");
  }
  return value;
}

function isEnvReference(s: string): boolean {
  return s === "" || s.startsWith("$");
}

/**
 * Scrubs literal credentials from a shell command (curl lines, replay commands): an
 * `Authorization: Basic|Bearer <token>` header, `-u`/`--user user:password` with a literal
 * password, and `scheme://user:password@`. Passwords read from variables (`$VAR`,
 * `${VAR}`, `$(...)`) are kept: that is how reproductions are meant to carry them.
 */
export function scrubCredentials(command: string): string {
  return command
    .replace(
      /(authorization:\s*(?:basic|bearer)\s+)([A-Za-z0-9+/_.~-]+=*)/gi,
      (m, prefix: string, token: string) =>
        token.startsWith("$") ? m : `${prefix}${WRITER_REDACTION}`,
    )
    .replace(
      /((?:^|\s)(?:-u|--user)(?:\s+|=))("([^"]*)"|'([^']*)'|([^\s"']+))/g,
      (m, prefix: string, _whole: string, dq?: string, sq?: string, bare?: string) => {
        const inner = dq ?? sq ?? bare ?? "";
        const colon = inner.indexOf(":");
        if (colon === -1 || isEnvReference(inner.slice(colon + 1))) return m;
        const scrubbed = `${inner.slice(0, colon)}:${WRITER_REDACTION}`;
        const quote = dq !== undefined ? '"' : "'";
        return `${prefix}${quote}${scrubbed}${quote}`;
      },
    )
    .replace(
      /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)([^@\s/]+)@/gi,
      (m, prefix: string, password: string) =>
        isEnvReference(password) ? m : `${prefix}${WRITER_REDACTION}@`,
    );
}

function sanitizeHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = redactHeader(name, value);
  return out;
}

function sanitizeExchange(ex: Exchange): Exchange {
  const request = {
    ...ex.request,
    url: scrubCredentials(ex.request.url),
    headers: sanitizeHeaders(ex.request.headers),
  };
  if (ex.request.authorization !== undefined) {
    request.authorization = {
      ...ex.request.authorization,
      label: redactHeader("authorization", ex.request.authorization.label),
    };
  }
  const response =
    ex.response === undefined
      ? undefined
      : { ...ex.response, headers: sanitizeHeaders(ex.response.headers) };
  const out: Exchange = { ...ex, request };
  if (response !== undefined) out.response = response;
  return out;
}

function sanitizeFinding(f: Finding): Finding {
  const { reproduction, transcript } = f;
  return {
    ...f,
    reproduction: {
      ...reproduction,
      command: scrubCredentials(reproduction.command),
      curl: reproduction.curl.map(scrubCredentials),
      ...(reproduction.credentials === undefined
        ? {}
        : { credentials: reproduction.credentials.map(scrubCredentials) }),
    },
    transcript: transcript.map(sanitizeExchange),
  };
}

function sanitizeRequirement(r: RequirementResult): RequirementResult {
  if (r.failures === undefined) return r;
  return { ...r, failures: r.failures.map(sanitizeFinding) };
}

function sanitizeTarget(t: TargetResult): TargetResult {
  return { ...t, requirements: t.requirements.map(sanitizeRequirement) };
}

/** A copy of the run with every credential-shaped value replaced; the input is not changed. */
export function sanitizeRun(run: RunResult): RunResult {
  return { ...run, targets: run.targets.map(sanitizeTarget) };
}
