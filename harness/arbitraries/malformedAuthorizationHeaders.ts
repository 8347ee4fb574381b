import fc from "fast-check";

// docs/SPEC.md section 3, AUTHN-05: "Malformed `Authorization` headers (invalid base64, no
// colon, other schemes, empty, oversized, non-UTF-8 bytes) answer 401, or 400 or 431".
// RFC 7617 section 2: credentials = "Basic" 1*SP token68, token68 = base64 of
// user-id ":" password (UTF-8 with charset="UTF-8", section 2.1). Each value breaks that
// grammar one way, so any 2xx is wrong. `label` says which case it is, for reports.
//
// Made-up user names and passwords only prove that garbage is refused. The defect that
// matters is a server that takes a real user's credentials under another scheme (a
// Flask extension that reads `Bearer base64(user:password)` as Basic): given the
// identities (`constraints.identities`), half the values carry one identity's real
// `user:password`, base64 or raw, under another scheme. The scheme name itself is
// case-insensitive (RFC 9110 11.1): `basic`/`BASIC` with real credentials IS Basic and is
// never generated as malformed. Such values print without the credentials (`toString`),
// so that a counterexample never shows them.

export interface MalformedAuthorization {
  /** The header's exact bytes (Buffer) or text. */
  value: Buffer | string;
  label: string;
}

export interface MalformedAuthorizationHeadersConstraints {
  /** Oversized values, in KiB. Default 16 to 64. */
  oversizedKiB?: { min: number; max: number };
  /** Real identities: adds their valid credentials under other schemes. */
  identities?: readonly { username: string; password: string }[];
}

/**
 * Schemes that are not Basic, some one character away from it: real ones a framework
 * may also accept (Bearer, Token, JWT...) and near-misses a lax parser may take for it.
 */
export const OTHER_SCHEMES = [
  "Bearer",
  "bearer",
  "Token",
  "JWT",
  "Digest",
  "Negotiate",
  "NTLM",
  "ApiKey",
  "Basic-",
  "Basic_",
  "BasicAuth",
  "Basic:",
  "XBasic",
  "Basics",
  "Baisc",
] as const;

/** A header carrying a real identity's credentials; prints without them. */
export class CarriedCredentials implements MalformedAuthorization {
  constructor(
    readonly value: string,
    readonly label: string,
  ) {}

  toString(): string {
    return this.label;
  }
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const ALNUM = [..."abcdefghijklmnopqrstuvwxyz0123456789"];
const MADE_UP = [..."abcdefghijklmnopqrstuvwxyzABCS-"];
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
  const malformed = fc.oneof(
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
  const identities = constraints.identities ?? [];
  if (identities.length === 0) return malformed;
  return fc.oneof(malformed, carriedCredentials(identities));
}

/**
 * A real identity's `user:password` under another scheme: base64 as Basic would send it,
 * or raw; raw also under `Basic` itself (not base64, so not Basic credentials either, but
 * a lax server may decode it anyway).
 */
function carriedCredentials(
  identities: readonly { username: string; password: string }[],
): fc.Arbitrary<MalformedAuthorization> {
  const other = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...OTHER_SCHEMES) },
    // A made-up scheme: any token but Basic in some case.
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: fc.constantFrom(...MADE_UP), minLength: 1, maxLength: 10 })
        .filter((w) => /^[A-Za-z]/.test(w) && w.toLowerCase() !== "basic"),
    },
  );
  return fc
    .record({ identity: fc.constantFrom(...identities), form: fc.constantFrom("base64", "raw") })
    .chain(({ identity, form }) =>
      (form === "raw"
        ? fc.oneof({ weight: 3, arbitrary: other }, { weight: 1, arbitrary: fc.constant("Basic") })
        : other
      ).map((scheme) => {
        const userPass = `${identity.username}:${identity.password}`;
        return new CarriedCredentials(
          `${scheme} ${form === "base64" ? b64(userPass) : userPass}`,
          `${scheme} <${form} credentials of ${identity.username}>`,
        );
      }),
    );
}
