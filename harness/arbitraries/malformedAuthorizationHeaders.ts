import fc from "fast-check";

// CONTRACT.md section 3, AUTHN-05: "Malformed `Authorization` headers (invalid base64, no
// colon, other schemes, empty, oversized, non-UTF-8 bytes) answer 401, or 400 or 431".
// RFC 7617 section 2: credentials = "Basic" 1*SP token68, token68 = base64 of
// user-id ":" password (UTF-8 with charset="UTF-8", section 2.1). Each value breaks that
// grammar one way, and none carries a real password (user names and passwords are
// made up), so any 2xx is wrong. `label` says which case it is, for reports.

export interface MalformedAuthorization {
  /** The header's exact bytes (Buffer) or text. */
  value: Buffer | string;
  label: string;
}

export interface MalformedAuthorizationHeadersConstraints {
  /** Oversized values, in KiB. Default 16 to 64. */
  oversizedKiB?: { min: number; max: number };
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const ALNUM = [..."abcdefghijklmnopqrstuvwxyz0123456789"];
/** Invalid UTF-8: lone 0xFF, bad continuation, overlong '/', encoded surrogate, 5-byte lead. */
export const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
];

export function malformedAuthorizationHeaders(
  constraints: MalformedAuthorizationHeadersConstraints = {},
): fc.Arbitrary<MalformedAuthorization> {
  const kib = constraints.oversizedKiB ?? { min: 16, max: 64 };
  const word = fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 3, maxLength: 12 });
  const creds = fc.tuple(word, word).map(([u, p]) => `${u}:${p}`);
  const notBase64 = fc.string({
    unit: fc.constantFrom(..."!*~%$#?^&()<>[]{}|"),
    minLength: 1,
    maxLength: 4,
  });
  const badBytes = fc.constantFrom(...INVALID_UTF8).map((b) => Buffer.from(b));
  const c = (label: string, value: fc.Arbitrary<Buffer | string>) =>
    value.map((v) => ({ value: v, label }));
  return fc.oneof(
    c(
      "invalid base64 (characters outside the alphabet)",
      fc.tuple(creds, notBase64, fc.nat()).map(([s, bad, at]) => {
        const t = b64(s);
        const i = at % (t.length + 1);
        return `Basic ${t.slice(0, i)}${bad}${t.slice(i)}`;
      }),
    ),
    c(
      "invalid base64 (padding inside)",
      creds.map((s) => `Basic ${b64(s).replace(/=+$/, "")}=${b64("x")}`),
    ),
    c(
      "base64 without a colon",
      word.map((u) => `Basic ${b64(u)}`),
    ),
    c("empty user-id and password", fc.constantFrom(`Basic ${b64("")}`, `Basic ${b64(":")}`)),
    c(
      "Bearer scheme",
      word.map((t) => `Bearer ${b64(t)}`),
    ),
    c(
      "Digest scheme",
      word.map(
        (u) =>
          `Digest username="${u}", realm="baip", nonce="${b64(u)}", uri="/", response="0123456789abcdef0123456789abcdef"`,
      ),
    ),
    c(
      "unknown scheme",
      creds.map((s) => `Basix ${b64(s)}`),
    ),
    c(
      "Basic with extra tokens",
      fc.tuple(creds, word).map(([s, w]) => `Basic ${b64(s)} ${w}`),
    ),
    c(
      "Basic with two credentials",
      fc.tuple(creds, creds).map(([s, t]) => `Basic ${b64(s)}, Basic ${b64(t)}`),
    ),
    c("empty value", fc.constant("")),
    c("scheme only", fc.constantFrom("Basic", "Basic ", "Basic  ")),
    c(
      "lower-case basic with garbage",
      notBase64.map((g) => `basic ${g}`),
    ),
    c(
      "oversized",
      fc.tuple(fc.integer(kib), word).map(([k, u]) => {
        // A well-formed Basic header, k KiB long (to within 3 bytes): only its size is wrong.
        const filler = Math.floor(((k * 1024 - 6) * 3) / 4) - u.length - 1;
        return `Basic ${b64(`${u}:${"A".repeat(filler)}`)}`;
      }),
    ),
    c(
      "non-UTF-8 bytes in the decoded credentials",
      fc
        .tuple(word, badBytes, fc.boolean())
        .map(
          ([u, bad, inUser]) =>
            `Basic ${b64(inUser ? Buffer.concat([Buffer.from(u), bad, Buffer.from(":x")]) : Buffer.concat([Buffer.from(`${u}:`), bad]))}`,
        ),
    ),
    c(
      "non-UTF-8 bytes in the header",
      fc
        .tuple(badBytes, fc.boolean())
        .map(([bad, afterScheme]) =>
          afterScheme
            ? Buffer.concat([Buffer.from("Basic "), bad, Buffer.from("==")])
            : Buffer.concat([bad, Buffer.from(" abc")]),
        ),
    ),
  );
}
