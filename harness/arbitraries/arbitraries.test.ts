// Shared laws for every arbitrary of harness/arbitraries (as fast-check tests its own):
// the same seed gives the same values; every value satisfies the rule the arbitrary
// claims, checked by an independent predicate written from docs/SPEC.md / the RFC; and
// one fixed-seed snapshot guards against drift.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Identity } from "../identity/identity.ts";
import { type FieldSpec, USERNAME_PATTERN } from "../manifest/schema.ts";
import { identities, sampleIdentities } from "./identities.ts";
import { identityOverrideHeaders } from "./identityOverrideHeaders.ts";
import { identityOverrideQuery } from "./identityOverrideQuery.ts";
import { invalidDisplayNames } from "./invalidDisplayNames.ts";
import { invalidEmails } from "./invalidEmails.ts";
import { invalidFieldValues } from "./invalidFieldValues.ts";
import {
  CarriedCredentials,
  malformedAuthorizationHeaders,
  OTHER_SCHEMES,
} from "./malformedAuthorizationHeaders.ts";
import { methodOverrides } from "./methodOverrides.ts";
import { nonJsonContentTypes } from "./nonJsonContentTypes.ts";
import { nonObjectBodies } from "./nonObjectBodies.ts";
import { oversizedJsonBodies } from "./oversizedJsonBodies.ts";
import { pathVariants } from "./pathVariants.ts";
import { unknownKeys } from "./unknownKeys.ts";
import { unknownUsernames } from "./unknownUsernames.ts";
import { usernameVariants } from "./usernameVariants.ts";
import { validDisplayNames } from "./validDisplayNames.ts";
import { validEmails } from "./validEmails.ts";
import { validFieldValues, type WrittenFieldSpec } from "./validFieldValues.ts";
import { wrongPasswords } from "./wrongPasswords.ts";
import { wrongTypeValues } from "./wrongTypeValues.ts";

// ---- Independent predicates, written from the contract's sentences ----

/** docs/SPEC.md 1: the email grammar every target must accept. */
function isContractEmail(s: string): boolean {
  const at = s.indexOf("@");
  if (at < 0 || s.length > 254) return false;
  const local = s.slice(0, at);
  const labels = s.slice(at + 1).split(".");
  return (
    local.length >= 1 &&
    local.length <= 64 &&
    /^[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*$/.test(local) &&
    labels.length >= 2 &&
    labels.every((l) => l.length <= 63 && /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(l)) &&
    /^[A-Za-z]{2,63}$/.test(labels.at(-1)!)
  );
}

/** docs/SPEC.md 1: the strings a target must reject as an email. */
function mustRejectEmail(s: string): boolean {
  const ats = s.split("@").length - 1;
  const [local, domain] = s.split("@");
  return (
    ats === 0 ||
    ats > 1 ||
    /[\s\p{Cc}\p{White_Space}]/u.test(s) ||
    local === "" ||
    domain === "" ||
    s.length > 254
  );
}

const codePoints = (s: string) => [...s].length;
const hasLoneSurrogate = (s: string) => /\p{Surrogate}/u.test(s);

function isValidDisplayName(s: string): boolean {
  const n = codePoints(s);
  return n >= 1 && n <= 64 && !/\p{Cc}/u.test(s) && !hasLoneSurrogate(s);
}

/**
 * docs/SPEC.md 1b, a writable field's kind and bounds: string and text count code points
 * and refuse category Cc (text allows LF and TAB); integers are JSON integers in
 * [min, max]; enum values compare exactly.
 */
function isValidFieldValue(spec: WrittenFieldSpec, v: unknown): boolean {
  switch (spec.kind) {
    case "email":
      return typeof v === "string" && isContractEmail(v);
    case "display_name":
      return typeof v === "string" && isValidDisplayName(v);
    case "string":
    case "text": {
      if (typeof v !== "string" || hasLoneSurrogate(v)) return false;
      const allowed = spec.kind === "text" ? ["\n", "\t"] : [];
      const controls = [...v].filter((c) => /\p{Cc}/u.test(c) && !allowed.includes(c));
      return codePoints(v) >= spec.min && codePoints(v) <= spec.max && controls.length === 0;
    }
    case "integer":
      return typeof v === "number" && Number.isInteger(v) && v >= spec.min && v <= spec.max;
    case "boolean":
      return typeof v === "boolean";
    case "enum":
      return typeof v === "string" && spec.values.includes(v);
  }
}

/** What INPUT-03 may judge: for email only the MUST-reject strings, never the middle ground. */
function mustRejectFieldValue(spec: WrittenFieldSpec, v: unknown): boolean {
  if (typeof v === "string" && hasLoneSurrogate(v)) return false;
  if (spec.kind === "email") return typeof v !== "string" || mustRejectEmail(v);
  return !isValidFieldValue(spec, v);
}

/** Sent as JSON unchanged, and small enough that no body limit (INPUT-06) explains a 4xx. */
function isSendable(v: unknown): boolean {
  const text = JSON.stringify(v);
  if (text === undefined || Buffer.byteLength(text, "utf8") > 60 * 1024) return false;
  const back: unknown = JSON.parse(text);
  if (typeof v !== "object" || v === null) return Object.is(back, v);
  expect(back).toEqual(v);
  return true;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

/** RFC 7617 well-formed Basic credentials with a non-empty user-id, of ordinary size. */
function isWellFormedBasic(value: Buffer | string): boolean {
  if (typeof value !== "string") return false;
  const m = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!m || value.length > 8192) return false;
  const bytes = Buffer.from(m[1]!, "base64");
  if (bytes.toString("base64") !== m[1]) return false;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return text.indexOf(":") > 0;
}

/**
 * Valid Basic credentials of one of `identities` (RFC 7617; the scheme name is
 * case-insensitive, RFC 9110 11.1): what AUTHN-05 must never send as malformed.
 */
function isRealBasic(
  value: Buffer | string,
  identities: readonly { username: string; password: string }[],
): boolean {
  if (typeof value !== "string") return false;
  const m = /^([^ ]+) +([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!m || m[1]!.toLowerCase() !== "basic") return false;
  const decoded = Buffer.from(m[2]!, "base64");
  if (decoded.toString("base64") !== m[2]) return false;
  return identities.some((i) => decoded.equals(Buffer.from(`${i.username}:${i.password}`)));
}

/** A lenient router's idea of a path: decoded, case-folded, dot segments resolved. */
function routerNormalise(p: string): string {
  const [path, query = ""] = p.split(/\?(.*)/s);
  const decoded = decodeURIComponent(path!)
    .split("/")
    .map((seg) => seg.replace(/;.*$/, ""))
    .filter((seg) => seg !== "" && seg !== ".");
  const out: string[] = [];
  for (const seg of decoded) {
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}?${decodeURIComponent(query)}`.toLowerCase();
}

function checkIdentities(ids: Identity[], users: number, admins: number): void {
  expect(ids.filter((i) => i.role === "user")).toHaveLength(users);
  expect(ids.filter((i) => i.role === "admin")).toHaveLength(admins);
  expect(new Set(ids.map((i) => i.username)).size).toBe(ids.length);
  for (const i of ids) {
    expect(i.username).toMatch(USERNAME_PATTERN);
    expect(i.password.length).toBeGreaterThan(0);
    expect(i.password).not.toMatch(/\p{Cc}/u);
    expect(isContractEmail(i.email)).toBe(true);
    expect(isValidDisplayName(i.display_name)).toBe(true);
    expect(i.passwordSource).toBe(`users.json of the run (identity ${i.username})`);
  }
  expect(ids.some((i) => i.password.includes(":"))).toBe(true);
  expect(ids.some((i) => i.password.includes(" "))).toBe(true);
  expect(ids.some((i) => /[^\x00-\x7f]/.test(i.password))).toBe(true);
}

// ---- The table: every arbitrary, with inputs drawn where it takes some ----

/** Bounds as a manifest may declare them: mostly small, some at the schema's limits. */
function boundedSpecs(kind: "string" | "text", limit: number): fc.Arbitrary<WrittenFieldSpec> {
  const bound = fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 6 }), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 100 }), weight: 2 },
    { arbitrary: fc.integer({ min: 0, max: limit }), weight: 1 },
    { arbitrary: fc.constant(limit), weight: 1 },
  );
  return fc
    .tuple(bound, bound)
    .map(([a, b]) => ({ kind, min: Math.min(a, b), max: Math.max(a, b, 1) }));
}

const safeInteger = fc.oneof(
  fc.integer({ min: -10, max: 10 }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, -(2 ** 31), 2 ** 31 - 1),
);

/** Every kind the suite writes, with bounds and values a manifest may declare. */
const fieldSpecs: fc.Arbitrary<WrittenFieldSpec> = fc.oneof(
  fc.constantFrom<WrittenFieldSpec>({ kind: "email" }, { kind: "display_name" }),
  boundedSpecs("string", 10_000),
  boundedSpecs("text", 60_000),
  fc
    .tuple(safeInteger, safeInteger)
    .map(([a, b]) => ({ kind: "integer" as const, min: Math.min(a, b), max: Math.max(a, b) })),
  fc.constant<WrittenFieldSpec>({ kind: "boolean" }),
  fc
    .uniqueArray(
      fc.oneof(
        fc.constantFrom("open", "Open", "closed", "done", "é", "e\u0301", "a", "", " x"),
        fc.string({ maxLength: 8 }),
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((values) => ({ kind: "enum" as const, values })),
);

const username = fc.stringMatching(USERNAME_PATTERN);
/** Real identities whose credentials AUTHN-05 carries under other schemes. */
const CARRIED = sampleIdentities(11, { users: 2, admins: 1 });
const realPassword = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 });

interface Law {
  name: string;
  arb: () => fc.Arbitrary<unknown>;
  /** Throws (expect) or returns false when a value breaks the arbitrary's rule. */
  valid: (value: never) => boolean | undefined;
  numRuns?: number;
}

const law = <T>(
  name: string,
  arb: () => fc.Arbitrary<T>,
  valid: (v: T) => boolean | undefined,
  numRuns?: number,
): Law => ({
  name,
  arb,
  valid: valid as (v: never) => boolean | undefined,
  ...(numRuns ? { numRuns } : {}),
});

const LAWS: Law[] = [
  law(
    "identities",
    () =>
      fc
        .record({ users: fc.integer({ min: 2, max: 6 }), admins: fc.integer({ min: 1, max: 3 }) })
        .chain((c) => identities(c).map((ids) => ({ c, ids }))),
    ({ c, ids }) => {
      checkIdentities(ids, c.users, c.admins);
      return true;
    },
    60,
  ),
  law(
    "wrongPasswords",
    () => realPassword.chain((real) => wrongPasswords(real).map((wrong) => ({ real, wrong }))),
    ({ real, wrong }) =>
      wrong !== real &&
      wrong.normalize("NFC") !== real.normalize("NFC") &&
      !hasLoneSurrogate(wrong),
  ),
  law(
    "usernameVariants",
    () => username.chain((real) => usernameVariants(real).map((variant) => ({ real, variant }))),
    ({ real, variant }) =>
      variant !== real &&
      !USERNAME_PATTERN.test(variant) &&
      variant.trim().toLowerCase().normalize("NFKC") !== "",
  ),
  law(
    "unknownUsernames",
    () =>
      fc
        .uniqueArray(username, { minLength: 1, maxLength: 5 })
        .chain((existing) => unknownUsernames(existing).map((name) => ({ existing, name }))),
    ({ existing, name }) => USERNAME_PATTERN.test(name) && !existing.includes(name),
  ),
  law(
    "malformedAuthorizationHeaders",
    () => malformedAuthorizationHeaders(),
    (h) => {
      expect(h.label).toMatch(/^[a-zA-Z0-9 -]+( \([a-z -]+\))?$/);
      const emptyUser = typeof h.value === "string" && /^Basic (Og==|)$/.test(h.value);
      return !isWellFormedBasic(h.value) || emptyUser;
    },
  ),
  law(
    "malformedAuthorizationHeaders (real credentials)",
    () => malformedAuthorizationHeaders({ identities: CARRIED }),
    (h) => {
      if (h instanceof CarriedCredentials) {
        expect(h.label).toMatch(/^\S+ <(base64|raw) credentials of [a-z][a-z0-9_-]+>$/);
        // Printed (counterexamples), it names the identity, never its credentials.
        for (const i of CARRIED) {
          expect(String(h)).not.toContain(i.password);
          expect(String(h)).not.toContain(
            Buffer.from(`${i.username}:${i.password}`).toString("base64"),
          );
        }
      }
      return !isRealBasic(h.value, CARRIED);
    },
  ),
  law("validEmails", () => validEmails(), isContractEmail),
  law("invalidEmails", () => invalidEmails(), mustRejectEmail),
  law("validDisplayNames", () => validDisplayNames(), isValidDisplayName),
  law(
    "invalidDisplayNames",
    () => invalidDisplayNames(),
    (s) => !isValidDisplayName(s) && !hasLoneSurrogate(s),
  ),
  law(
    "validFieldValues",
    () => fieldSpecs.chain((spec) => validFieldValues(spec).map((value) => ({ spec, value }))),
    ({ spec, value }) => isValidFieldValue(spec, value) && isSendable(value),
  ),
  law(
    "invalidFieldValues",
    () => fieldSpecs.chain((spec) => invalidFieldValues(spec).map((value) => ({ spec, value }))),
    ({ spec, value }) => mustRejectFieldValue(spec, value) && isSendable(value),
  ),
  law(
    "wrongTypeValues",
    () => wrongTypeValues(),
    (v) => {
      expect(JSON.parse(JSON.stringify(v))).toEqual(v);
      return typeof v !== "string";
    },
  ),
  law(
    "unknownKeys",
    () => unknownKeys(),
    (k) => k !== "email" && k !== "display_name",
  ),
  law(
    "unknownKeys (mapped names)",
    () => unknownKeys({ writable: ["mail", "name"] }),
    (k) => k !== "mail" && k !== "name",
  ),
  law(
    "nonObjectBodies",
    () => nonObjectBodies(),
    (body) => {
      try {
        const v = JSON.parse(body.replace(/^\ufeff/, ""));
        return v === null || typeof v !== "object" || Array.isArray(v);
      } catch {
        return true;
      }
    },
  ),
  law(
    "nonJsonContentTypes",
    () => nonJsonContentTypes(),
    (t) => t === undefined || !/json/i.test(t),
  ),
  law(
    "oversizedJsonBodies",
    () =>
      oversizedJsonBodies(fc.record({ email: validEmails(), display_name: validDisplayNames() })),
    (b) => {
      const text = b.data;
      const parsed = JSON.parse(text);
      return (
        Buffer.byteLength(text, "utf8") >= b.bytes &&
        b.bytes > 64 * 1024 &&
        parsed !== null &&
        typeof parsed === "object" &&
        !Array.isArray(parsed)
      );
    },
    20,
  ),
  law(
    "identityOverrideHeaders",
    () => username.chain((victim) => identityOverrideHeaders(victim)),
    (h) => {
      const entries = Object.entries(h);
      return (
        entries.length >= 1 &&
        entries.length <= 4 &&
        entries.every(([k, v]) => TOKEN.test(k) && FIELD_VALUE.test(v)) &&
        new Set(entries.map(([k]) => k.toLowerCase())).size === entries.length
      );
    },
  ),
  law(
    "identityOverrideQuery",
    () => username.chain((victim) => identityOverrideQuery(victim).map((q) => ({ victim, q }))),
    ({ q }) =>
      Object.keys(q).length >= 1 &&
      Object.keys(q).length <= 3 &&
      Object.keys(q).every((k) => k !== "__proto__"),
  ),
  law(
    "methodOverrides",
    () =>
      fc
        .uniqueArray(fc.constantFrom("GET", "PUT", "PATCH", "DELETE", "POST"), { minLength: 1 })
        .chain((methods) => methodOverrides(methods).map((o) => ({ methods, o }))),
    ({ methods, o }) => {
      // Exactly one override, by header or by parameter, naming one of the methods.
      const all = [...Object.entries(o.headers), ...Object.entries(o.query)];
      return (
        all.length === 1 &&
        (methods as string[]).includes(all[0]![1]) &&
        Object.keys(o.headers).every((k) => TOKEN.test(k) && /method/i.test(k)) &&
        Object.keys(o.query).every((k) => /^_?method$/.test(k))
      );
    },
  ),
  law(
    "pathVariants",
    () =>
      fc
        .tuple(
          fc.constantFrom("/users/{id}", "/profile?username={id}", "/api/v1/tasks/{id}/"),
          username,
        )
        .chain(([template, id]) =>
          pathVariants(template, id).map((path) => ({ template, id, path })),
        ),
    ({ template, id, path }) => {
      const canonical = template.replaceAll("{id}", encodeURIComponent(id));
      return (
        path !== canonical &&
        path.startsWith("/") &&
        /^[\x21-\x7e]+$/.test(path) &&
        routerNormalise(path) === routerNormalise(canonical)
      );
    },
  ),
];

// ---- The laws ----

/** Small, stable text for snapshots (oversized values summarised). */
function summarise(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return `<Buffer ${v.toString("hex")}>`;
  if (typeof v === "string")
    return v.length > 120 ? `<${v.length} chars: ${[...v].slice(0, 30).join("")}...>` : v;
  if (Array.isArray(v)) return v.map(summarise);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, summarise(x)]));
  return v;
}

describe.each(LAWS)("$name", ({ arb, valid, numRuns }) => {
  it("gives the same values for the same seed", () => {
    const a = fc.sample(arb(), { seed: 1234, numRuns: 25 });
    const b = fc.sample(arb(), { seed: 1234, numRuns: 25 });
    expect(a).toEqual(b);
    const c = fc.sample(arb(), { seed: 4321, numRuns: 25 });
    expect(c).not.toEqual(a);
  });

  it("gives only values valid for its rule", () => {
    fc.assert(
      fc.property(arb(), (v) => valid(v as never) !== false),
      { numRuns: numRuns ?? 300, seed: 20260101 },
    );
  });
});

describe("fixed-seed snapshot", () => {
  it("has not drifted", () => {
    const table = Object.fromEntries(
      LAWS.map(({ name, arb }) => [name, summarise(fc.sample(arb(), { seed: 7, numRuns: 3 }))]),
    );
    expect(table).toMatchSnapshot();
  });
});

describe("identities", () => {
  it("sampleIdentities is deterministic per seed and meets the constraints", () => {
    const a = sampleIdentities(99, { users: 2, admins: 1 });
    expect(sampleIdentities(99, { users: 2, admins: 1 })).toEqual(a);
    checkIdentities(a, 2, 1);
    expect(sampleIdentities(100, { users: 2, admins: 1 })).not.toEqual(a);
  });

  it("gives each identity one hard trait, so a service broken on one still has identities without it", () => {
    const traits = {
      colon: (p: string) => p.includes(":"),
      space: (p: string) => p.includes(" "),
      nonAscii: (p: string) => /[^\x00-\x7f]/.test(p),
    };
    fc.assert(
      fc.property(identities({ users: 3, admins: 1 }), (ids) => {
        for (const has of Object.values(traits)) {
          const without = ids.filter((i) => !has(i.password));
          expect(without.length).toBeGreaterThanOrEqual(2);
          expect(without.some((i) => i.role === "user")).toBe(true);
        }
        for (const i of ids)
          expect(Object.values(traits).filter((has) => has(i.password))).toHaveLength(1);
      }),
      { seed: 7, numRuns: 100 },
    );
  });

  it("rejects constraints the contract cannot use", () => {
    expect(() => identities({ users: 1, admins: 1 })).toThrow(RangeError);
    expect(() => identities({ users: 2, admins: -1 })).toThrow(RangeError);
  });

  it("allows a service without privileged roles, and e-mails distinct ignoring case", () => {
    const sample = sampleIdentities(7, { users: 3, admins: 0 });
    expect(sample.map((i) => i.role)).toEqual(["user", "user", "user"]);
    expect(new Set(sample.map((i) => i.email.toLowerCase())).size).toBe(3);
  });
});

describe("wrongPasswords", () => {
  it("covers every kind AUTHN-03 names", () => {
    const real = "Secret:pw é";
    const seen = new Set(fc.sample(wrongPasswords(real), { seed: 5, numRuns: 400 }));
    expect(seen.has("")).toBe(true);
    expect([...seen].some((p) => real.startsWith(p) && p !== "")).toBe(true);
    expect([...seen].some((p) => p.startsWith(real))).toBe(true);
    expect(seen.has(real.toUpperCase()) || seen.has(real.toLowerCase())).toBe(true);
  });
});

describe("usernameVariants where the service folds case on purpose", () => {
  it("never differs by letter case alone, and keeps whitespace and lookalike variants", () => {
    const real = "alice.b@example.org";
    const seen = fc.sample(usernameVariants(real, { cases: false }), { seed: 5, numRuns: 400 });
    for (const v of seen) expect(v.toLowerCase()).not.toBe(real.toLowerCase());
    expect(seen.some((v) => v.trim() === real)).toBe(true);
    expect(seen.some((v) => v.trim() !== real)).toBe(true);
  });
});

describe("malformedAuthorizationHeaders with real identities", () => {
  it("carries real credentials in about half the values, under every kind of other scheme", () => {
    const values = fc.sample(malformedAuthorizationHeaders({ identities: CARRIED }), {
      seed: 5,
      numRuns: 600,
    });
    const carried = values.filter((v): v is CarriedCredentials => v instanceof CarriedCredentials);
    expect(carried.length).toBeGreaterThan(200);
    const schemes = new Set(carried.map((v) => v.value.slice(0, v.value.indexOf(" "))));
    for (const s of ["Bearer", "Token", "Digest", "Negotiate", "JWT", "Basic-", "BasicAuth"])
      expect(schemes.has(s), s).toBe(true);
    // A made-up word, and raw `user:password` under Basic (not base64: not Basic either).
    expect([...schemes].some((s) => !(OTHER_SCHEMES as readonly string[]).includes(s))).toBe(true);
    expect(carried.some((v) => v.label.startsWith("Basic <raw"))).toBe(true);
    expect(carried.some((v) => v.label.includes("<base64"))).toBe(true);
    expect(carried.some((v) => v.label.includes("<raw"))).toBe(true);
    expect(new Set(carried.map((v) => v.label.replace(/.* /, ""))).size).toBe(CARRIED.length);
  });

  it("without identities, is the made-up cases alone (none carries credentials)", () => {
    const values = fc.sample(malformedAuthorizationHeaders(), { seed: 5, numRuns: 200 });
    expect(values.some((v) => v instanceof CarriedCredentials)).toBe(false);
  });
});

describe("invalidEmails", () => {
  it.each([
    "no-at",
    "several-at",
    "whitespace",
    "control",
    "empty-local",
    "empty-domain",
    "too-long",
  ] as const)("rule %s alone yields values breaking it", (rule) => {
    for (const v of fc.sample(invalidEmails({ rules: [rule] }), { seed: 3, numRuns: 50 })) {
      expect(mustRejectEmail(v)).toBe(true);
    }
  });
});

describe("validFieldValues", () => {
  const sample = (spec: FieldSpec, numRuns = 400) =>
    fc.sample(validFieldValues(spec), { seed: 5, numRuns });

  it("draws strings and text of every plane, at both bounds, counted in code points", () => {
    for (const kind of ["string", "text"] as const) {
      const spec = { kind, min: 2, max: 40 };
      const values = sample(spec) as string[];
      expect(values.some((v) => codePoints(v) === 2)).toBe(true);
      expect(values.some((v) => codePoints(v) === 40)).toBe(true);
      // At the bound, with characters that are not one UTF-16 unit or one grapheme each.
      expect(values.some((v) => codePoints(v) === 40 && v.length > 40)).toBe(true);
      expect(values.some((v) => /[^\x00-\x7f]/.test(v))).toBe(true);
      expect(values.some((v) => [...v].some((c) => c.codePointAt(0)! > 0xffff))).toBe(true);
      expect(values.some((v) => /[\n\t]/.test(v))).toBe(kind === "text");
    }
  });

  it("draws the empty string only where min is 0", () => {
    expect(sample({ kind: "string", min: 0, max: 5 })).toContain("");
    expect(sample({ kind: "text", min: 1, max: 5 })).not.toContain("");
  });

  it("reaches the largest text the schema allows, within one body", () => {
    const values = sample({ kind: "text", min: 0, max: 60_000 }, 200) as string[];
    expect(values.some((v) => codePoints(v) === 60_000)).toBe(true);
    for (const v of values) expect(Buffer.byteLength(JSON.stringify(v))).toBeLessThan(61_440);
  });

  it("draws integers at both bounds and between", () => {
    const values = sample({ kind: "integer", min: -3, max: 1_000_000 }) as number[];
    expect(values).toContain(-3);
    expect(values).toContain(1_000_000);
    expect(values.some((v) => v > 10 && v < 999_990)).toBe(true);
    expect(sample({ kind: "integer", min: 7, max: 7 }, 20)).toEqual(Array(20).fill(7));
  });

  it("draws every enum value and both booleans", () => {
    expect(new Set(sample({ kind: "enum", values: ["open", "closed", "é"] }))).toEqual(
      new Set(["open", "closed", "é"]),
    );
    expect(new Set(sample({ kind: "boolean" }))).toEqual(new Set([true, false]));
  });

  it("refuses opaque fields and bounds no value meets", () => {
    expect(() => validFieldValues({ kind: "opaque" })).toThrow(/opaque/);
    expect(() => validFieldValues({ kind: "string", min: 5, max: 4 })).toThrow(RangeError);
    expect(() => validFieldValues({ kind: "integer", min: 1, max: 0 })).toThrow(RangeError);
  });
});

describe("invalidFieldValues", () => {
  const sample = (spec: FieldSpec, numRuns = 600) =>
    fc.sample(invalidFieldValues(spec), { seed: 5, numRuns });
  const strings = (vs: unknown[]) => vs.filter((v): v is string => typeof v === "string");

  it("breaks each rule of string and text: length both ways, control characters, type", () => {
    for (const kind of ["string", "text"] as const) {
      const values = sample({ kind, min: 3, max: 20 });
      const s = strings(values);
      expect(s.some((v) => codePoints(v) === 21 && !/\p{Cc}/u.test(v))).toBe(true);
      // Too long in code points, yet not in graphemes: a combining mark past the bound.
      expect(s.some((v) => codePoints(v) > 20 && v.endsWith("\u0301"))).toBe(true);
      expect(s).toContain("");
      expect(s.some((v) => codePoints(v) === 2)).toBe(true);
      expect(s.some((v) => codePoints(v) >= 3 && codePoints(v) <= 20)).toBe(true);
      expect(values.some((v) => typeof v !== "string")).toBe(true);
    }
    // A string refuses LF and TAB; text accepts them, so never offers them as invalid.
    expect(strings(sample({ kind: "string", min: 1, max: 20 })).some((v) => /[\n\t]/.test(v))).toBe(
      true,
    );
    for (const v of strings(sample({ kind: "text", min: 0, max: 20 })))
      if (codePoints(v) <= 20) expect(v).toMatch(/[^\P{Cc}\n\t]/u);
  });

  it("never offers the empty string where min is 0", () => {
    expect(sample({ kind: "string", min: 0, max: 5 })).not.toContain("");
  });

  it("gives integers just and far outside the bounds, and every wrong JSON type", () => {
    const values = sample({ kind: "integer", min: 1, max: 5 });
    for (const v of [0, 6, 2 ** 63, true, false, null]) expect(values).toContainEqual(v);
    expect(values.some((v) => typeof v === "number" && !Number.isInteger(v))).toBe(true);
    expect(values.some((v) => typeof v === "string" && /^[1-5]$/.test(v))).toBe(true);
    expect(values.some((v) => Array.isArray(v))).toBe(true);
  });

  it("gives booleans as numbers, strings and null", () => {
    const values = sample({ kind: "boolean" });
    for (const v of [0, 1, "true", null]) expect(values).toContainEqual(v);
  });

  it("gives enum case variants, other strings and other types, never a value", () => {
    const spec = { kind: "enum" as const, values: ["open", "Closed"] };
    const values = sample(spec);
    for (const v of ["OPEN", "Open", "closed", "CLOSED", " open"]) expect(values).toContain(v);
    expect(values).not.toContain("open");
    expect(values).not.toContain("Closed");
    expect(values.some((v) => typeof v !== "string")).toBe(true);
  });

  it("refuses opaque fields", () => {
    expect(() => invalidFieldValues({ kind: "opaque" })).toThrow(/opaque/);
  });
});
