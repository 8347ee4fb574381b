import fc from "fast-check";
import type { Identity } from "../identity/identity.ts";
import { USERNAME_PATTERN } from "../manifest/schema.ts";
import { validDisplayNames } from "./validDisplayNames.ts";
import { validEmails } from "./validEmails.ts";

// docs/SPEC.md section 2, users.json: "User names match `^[a-z][a-z0-9_-]{2,31}$`;
// passwords are any non-empty UTF-8 string without control characters. The harness may
// generate these identities (so that passwords with `:`, spaces and non-ASCII
// characters, and several users of each role, are exercised)." RFC 7617 section 2: the
// password may contain ':' (only the first colon of user-pass separates).
// Each password is a shuffle of an alphanumeric core (8 to 16 characters, so it is long
// enough to redact), one fragment with ':', ' ' or non-ASCII text chosen by the identity's
// position (so the set always holds all three, and each trait is missing from the others)
// and up to three ASCII punctuation fragments.

export interface IdentitiesConstraints {
  /** Identities with role `user`; at least 2. */
  users: number;
  /** Identities with role `admin`; at least 1. */
  admins: number;
}

const NAMES = [
  "alice",
  "bob",
  "carol",
  "dave",
  "erin",
  "frank",
  "grace",
  "heidi",
  "ivan",
  "judy",
  "mallory",
  "oscar",
  "peggy",
  "trent",
  "victor",
  "walter",
];
const ALNUM = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"];

export const PASSWORD_FRAGMENTS = {
  colon: [":", "::", "a:b", ":x"],
  space: [" ", "  ", "x y", " - "],
  nonAscii: ["é", "ß", "Ω", "日本", "ü", "ñ", "Ж", "😀", "🔑", "€"],
  punctuation: ["!", "#", "%", '"', "'", "\\", "/", "$", "@", "=", "+"],
};
const REQUIRED = [PASSWORD_FRAGMENTS.colon, PASSWORD_FRAGMENTS.space, PASSWORD_FRAGMENTS.nonAscii];

const username = fc.oneof(
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom(...NAMES),
        fc.string({
          unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"),
          minLength: 1,
          maxLength: 3,
        }),
      )
      .map(([n, s]) => `${n}-${s}`),
    weight: 4,
  },
  { arbitrary: fc.stringMatching(USERNAME_PATTERN), weight: 1 },
);

const distinctive = (s: string) => s.trim().length >= 8;

function password(index: number): fc.Arbitrary<string> {
  const core = fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 8, maxLength: 16 });
  // One hard trait per identity, the rest ASCII punctuation: when a service breaks on one
  // trait (splits at every ':', say), the identities without it still authenticate, and
  // the rest of the catalogue runs with them instead of going INCONCLUSIVE as a whole.
  const extra = fc.array(fc.constantFrom(...PASSWORD_FRAGMENTS.punctuation), {
    maxLength: 3,
  });
  return fc
    .tuple(core, fc.constantFrom(...REQUIRED[index % REQUIRED.length]!), extra)
    .chain(([c, required, more]) => {
      const parts = [c, required, ...more];
      return fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length });
    })
    .map((parts) => parts.join(""));
}

export function identities(constraints: IdentitiesConstraints): fc.Arbitrary<Identity[]> {
  const { users, admins } = constraints;
  if (!Number.isInteger(users) || users < 2)
    throw new RangeError("identities: users must be an integer >= 2");
  // No admins: a service without privileged roles (docs/SPEC.md 1b).
  if (!Number.isInteger(admins) || admins < 0)
    throw new RangeError("identities: admins must be an integer >= 0");
  const n = users + admins;
  return fc
    .tuple(
      fc.uniqueArray(username, { minLength: n, maxLength: n }),
      fc.tuple(...Array.from({ length: n }, (_, i) => password(i))),
      // Seeded values are distinctive (8+ characters), so that a leak of one in any
      // response body can be recognised (AUTHZ-01, TLS-01).
      // Distinct ignoring case: a service that logs in by e-mail may fold its case.
      fc.uniqueArray(validEmails().filter(distinctive), {
        minLength: n,
        maxLength: n,
        selector: (e) => e.toLowerCase(),
      }),
      fc.array(validDisplayNames().filter(distinctive), { minLength: n, maxLength: n }),
    )
    .map(([names, passwords, emails, displayNames]) =>
      names.map((name, i) => ({
        username: name,
        password: passwords[i]!,
        role: i < users ? "user" : "admin",
        email: emails[i]!,
        display_name: displayNames[i]!,
        passwordSource: `users.json of the run (identity ${name})`,
      })),
    );
}

/** The identities fast-check generates first for `seed`: the same seed, the same set. */
export function sampleIdentities(seed: number, constraints: IdentitiesConstraints): Identity[] {
  return fc.sample(identities(constraints), { seed, numRuns: 1 })[0]!;
}
