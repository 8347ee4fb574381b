// The Basic user names AUTHN-04 and AUTHN-06 try instead of a real one: variants of an
// identity's login and logins no identity has. The login is what the manifest's
// `login.field` says (the user name, or the e-mail), so the variants are of that.
import fc from "fast-check";
import { unknownUsernames } from "../../harness/arbitraries/unknownUsernames.ts";
import { usernameVariants } from "../../harness/arbitraries/usernameVariants.ts";
import { type Identity, loginOf } from "../../harness/identity/identity.ts";
import type { SuiteContext } from "../context.ts";

/**
 * Case, whitespace and lookalike variants of `identity`'s login. Case variants are left
 * out where the manifest declares `login.caseInsensitive`: the service folds case on
 * purpose, so they are that identity's login, not another name (docs/SPEC.md 1b).
 */
export function loginVariants(ctx: SuiteContext, identity: Identity): fc.Arbitrary<string> {
  return usernameVariants(loginOf(identity), {
    cases: !ctx.target.manifest.login.caseInsensitive,
  });
}

/**
 * Well-formed logins no identity of the run has: user names, and where logins are
 * e-mails, e-mails at the run's own domains too (the near miss a lookup by e-mail meets).
 * Never a real login in another case, so that case folding cannot make one real.
 */
export function unknownLogins(ctx: SuiteContext): fc.Arbitrary<string> {
  const identities = ctx.identities.all;
  const names = unknownUsernames(identities.map((i) => i.username));
  if (ctx.target.manifest.login.field !== "email" || identities.length === 0) return names;
  const taken = new Set(identities.map((i) => i.email.toLowerCase()));
  const domains = [...new Set(identities.map((i) => i.email.slice(i.email.indexOf("@") + 1)))];
  const locals = identities.map((i) => i.email.slice(0, i.email.indexOf("@")).toLowerCase());
  const emails = fc
    .tuple(unknownUsernames(locals), fc.constantFrom(...domains))
    .map(([local, domain]) => `${local}@${domain}`)
    .filter((email) => !taken.has(email.toLowerCase()));
  return fc.oneof({ weight: 3, arbitrary: emails }, { weight: 1, arbitrary: names });
}
