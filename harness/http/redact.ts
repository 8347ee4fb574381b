// Redaction of recorded exchanges. Exchanges end up in reports, JUnit files and CI logs,
// so a password must never appear in one, in any of the encodings a server might echo
// it in (raw, JSON-escaped, percent-encoded, HTML-escaped, base64).
//
// The `Authorization` header itself is never recorded: the client records a label in its
// place. This module scrubs the remaining places a secret can surface: the URL, other
// request headers and the request body (a suite may send a password on purpose), the
// response headers and body (a server may echo it), and transport error messages.

import type { Exchange } from "./exchange.ts";

export const REDACTED = "[REDACTED]";

/**
 * Secrets shorter than this that come from the request itself (for example the
 * one-character prefix of a password, a wrong-password case of AUTHN-03) are not
 * scrubbed: replacing every "a" in a body would destroy the record and make
 * comparisons (AUTHN-06) meaningless, and such a fragment reveals nothing. Secrets the
 * client is told about explicitly (the identities' real passwords) are always scrubbed.
 */
export const MIN_REQUEST_SECRET_LENGTH = 4;

/** Every form in which `secret` may appear in a text, longest first, without duplicates. */
export function secretForms(secret: string): string[] {
  if (secret.length === 0) return [];
  const forms = new Set<string>([secret]);
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  forms.add(asciiJson(json, false));
  forms.add(asciiJson(json, true));
  forms.add(encodeURIComponent(secret));
  forms.add(encodeURIComponent(secret).replace(/%20/g, "+"));
  forms.add(encodeURI(secret));
  forms.add(htmlEscape(secret));
  forms.add(Buffer.from(secret, "utf8").toString("base64"));
  forms.add(Buffer.from(secret, "utf8").toString("base64").replace(/=+$/, ""));
  forms.add(Buffer.from(secret, "utf8").toString("latin1"));
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

function asciiJson(json: string, upper: boolean): string {
  return json.replace(/[^\x20-\x7e]/g, (c) => {
    const hex = c.charCodeAt(0).toString(16).padStart(4, "0");
    return `\\u${upper ? hex.toUpperCase() : hex}`;
  });
}

function htmlEscape(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A prepared set of secrets; `scrub` replaces every occurrence of every form. */
export class Redactor {
  private readonly forms: string[];

  constructor(secrets: Iterable<string>) {
    const all = new Set<string>();
    for (const s of secrets) for (const f of secretForms(s)) all.add(f);
    this.forms = [...all].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.forms.length === 0;
  }

  scrub(text: string): string {
    let out = text;
    for (const f of this.forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out;
  }

  /**
   * For a text cut at an arbitrary point: also remove a tail that is the beginning of a
   * secret (at least MIN_REQUEST_SECRET_LENGTH characters of it), so a secret straddling
   * the cut leaks no prefix.
   */
  scrubTruncated(text: string): string {
    const out = this.scrub(text);
    for (const f of this.forms) {
      for (let n = Math.min(f.length - 1, out.length); n >= MIN_REQUEST_SECRET_LENGTH; n--) {
        if (out.endsWith(f.slice(0, n))) return `${out.slice(0, out.length - n)}${REDACTED}`;
      }
    }
    return out;
  }
}

/**
 * Returns a copy of `exchange` with every form of every secret replaced by
 * `[REDACTED]`, in the URL, all header values, both bodies and the error message.
 */
export function redactExchange(exchange: Exchange, secrets: Iterable<string> | Redactor): Exchange {
  const r = secrets instanceof Redactor ? secrets : new Redactor(secrets);
  if (r.empty) return exchange;
  const headers = (h: Record<string, string>) =>
    Object.fromEntries(Object.entries(h).map(([k, v]) => [k, r.scrub(v)]));
  const out: Exchange = {
    ...exchange,
    request: {
      ...exchange.request,
      url: r.scrub(exchange.request.url),
      headers: headers(exchange.request.headers),
    },
  };
  if (exchange.request.body !== undefined) {
    out.request.body = exchange.request.bodyTruncated
      ? r.scrubTruncated(exchange.request.body)
      : r.scrub(exchange.request.body);
  }
  if (exchange.response) {
    out.response = {
      ...exchange.response,
      headers: headers(exchange.response.headers),
      body: exchange.response.bodyTruncated
        ? r.scrubTruncated(exchange.response.body)
        : r.scrub(exchange.response.body),
    };
  }
  if (exchange.error) out.error = { ...exchange.error, message: r.scrub(exchange.error.message) };
  return out;
}
