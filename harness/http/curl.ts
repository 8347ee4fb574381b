// The one formatter of `curl` reproductions for every report writer. Built from a
// recorded (redacted) exchange, so it cannot contain a password: credentials are
// referenced from environment variables that `credentialsFrom` names, and the result
// only expands them at the user's shell.
//
// Flags, so that curl sends what the suite sent:
//   --http1.1        the suite speaks HTTP/1.1 only
//   --path-as-is     keep `/../` and `/./` (curl squashes dot segments by default)
//   -g (--globoff)   `[]{}` in paths are literal, not URL globs
//   --max-redirs 0   never follow a redirect (and -L is not given)
//   -H 'Accept:' -H 'User-Agent:'   drop the headers curl adds on its own
//   -H 'Content-Type:'              with a body but no recorded Content-Type, curl
//                                    would add a form content type

import type { Exchange } from "./exchange.ts";

export interface CurlOptions {
  /**
   * Environment variable holding the target's base URL (`https://127.0.0.1:PORT`); the
   * URL's origin is then written as `"$VAR"` (TLS transport only). Default: literal URL.
   */
  baseUrlVar?: string;
  /** Environment variable holding the CA file path. Default `BAIP_CA`. */
  caVar?: string;
  /**
   * Maps the redaction label of the recorded Authorization header to a shell expression
   * made only of variable references (and `:`), e.g. `$BAIP_USER_ALICE_X1:$BAIP_PASS_ALICE_X1`
   * for Basic credentials (`-u`), or `$BAIP_RAW_AUTH_3` for a raw header value (`-H`).
   */
  credentialsFrom: (label: string) => string;
}

/** A shell word (POSIX sh): single-quoted unless it is plainly safe. */
export function shellQuote(s: string): string {
  if (s !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const VAR_REFERENCES = /^(?:\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\}|:)+$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Headers curl writes itself from the command (or that describe the transport). */
const TRANSPORT_HEADERS = new Set(["host", "content-length", "connection", "authorization"]);

function credentials(options: CurlOptions, label: string): string {
  const expr = options.credentialsFrom(label);
  if (!VAR_REFERENCES.test(expr)) {
    throw new Error(
      `credentialsFrom(${JSON.stringify(label)}) must return variable references only (got a literal)`,
    );
  }
  return `"${expr}"`;
}

/** A curl command reproducing `exchange`, with credentials referenced from the environment. */
export function toCurl(exchange: Exchange, options: CurlOptions): string {
  const req = exchange.request;
  const caVar = options.caVar ?? "BAIP_CA";
  for (const v of [caVar, options.baseUrlVar].filter((x): x is string => x !== undefined)) {
    if (!VAR_NAME.test(v)) throw new Error(`not a variable name: ${JSON.stringify(v)}`);
  }
  const words: string[] = ["curl", "--http1.1", "--path-as-is", "-g", "--max-redirs", "0"];
  if (req.transport === "tls") words.push("--cacert", `"$${caVar}"`);

  const auth =
    req.authorization ??
    (req.headers.authorization !== undefined
      ? { kind: "raw" as const, label: req.headers.authorization }
      : undefined);
  if (auth?.kind === "basic") words.push("-u", credentials(options, auth.label));
  else if (auth)
    words.push("-H", `"Authorization: ${credentials(options, auth.label).slice(1, -1)}"`);

  const hasBody = req.body !== undefined;
  if (req.method === "HEAD") words.push("--head");
  else if (req.method !== "GET" || hasBody) words.push("-X", shellQuote(req.method));

  words.push("-H", shellQuote("Accept:"), "-H", shellQuote("User-Agent:"));
  for (const [name, value] of Object.entries(req.headers)) {
    if (TRANSPORT_HEADERS.has(name)) continue;
    // "Name;" is curl's way to send a header with an empty value.
    words.push("-H", shellQuote(value === "" ? `${name};` : `${name}: ${value}`));
  }
  if (hasBody && req.headers["content-type"] === undefined)
    words.push("-H", shellQuote("Content-Type:"));
  if (hasBody) words.push("--data-raw", shellQuote(req.body ?? ""));

  let url = shellQuote(req.url);
  const origin = URL.canParse(req.url) ? new URL(req.url).origin : undefined;
  if (options.baseUrlVar && req.transport === "tls" && origin !== undefined) {
    if (req.url.startsWith(origin)) {
      const rest = req.url.slice(origin.length);
      url = `"$${options.baseUrlVar}"${rest === "" ? "" : shellQuote(rest)}`;
    }
  }
  words.push(url);

  const command = words.join(" ");
  if (req.bodyTruncated) {
    return `# the request body was ${req.bodyBytes} bytes; only its start was recorded, so this body differs\n${command}`;
  }
  return command;
}
