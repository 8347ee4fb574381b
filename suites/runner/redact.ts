// Counterexamples can hold identities and password variants (a prefix of the real
// password is still a secret). Replace them before anything is rendered.
import type { Identity } from "../../harness/identity/identity.ts";

/**
 * A string is a variant of a password when it shares, ignoring case, a run of at least
 * half the password (and at least 4 characters): prefixes, suffixes and case variants
 * of the real one. Shorter coincidences are left alone so counterexamples stay readable.
 */
function isVariantOf(s: string, password: string): boolean {
  const a = s.toLowerCase();
  const b = password.toLowerCase();
  const run = Math.max(4, Math.ceil(b.length / 2));
  if (b.length < 4) return a.includes(b);
  for (let i = 0; i + run <= b.length; i++) {
    if (a.includes(b.slice(i, i + run))) return true;
  }
  return false;
}

function redactString(s: string, identities: readonly Identity[]): string {
  for (const id of identities) {
    if (s === id.password) return `<password of ${id.username} from ${id.passwordSource}>`;
    if (isVariantOf(s, id.password)) {
      return `<variant of the password of ${id.username} (${[...s].length} chars)>`;
    }
  }
  return s;
}

export function redactValue(value: unknown, identities: readonly Identity[]): unknown {
  if (typeof value === "string") return redactString(value, identities);
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, identities));
  if (value && typeof value === "object") {
    // Objects that describe themselves (fast-check command sequences) print that way.
    // (A null-prototype object, as AUTHZ-06's bodies are, has no toString at all.)
    if (
      !Array.isArray(value) &&
      typeof value.toString === "function" &&
      value.toString !== Object.prototype.toString
    ) {
      return redactString(String(value), identities);
    }
    if ("resource" in value && "id" in value && "owner" in value) {
      const r = value as { resource: { name: string }; id: string };
      return `<${r.resource.name} ${r.id}>`;
    }
    if ("password" in value && "username" in value && "passwordSource" in value) {
      return `<identity ${(value as Identity).username} (${(value as Identity).role})>`;
    }
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactValue(v, identities)]),
    );
  }
  return value;
}
