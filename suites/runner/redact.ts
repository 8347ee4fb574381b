// Counterexamples can hold identities and password variants (a prefix of the real
// password is still a secret). Replace them before anything is rendered.
import type { Identity } from "../../harness/identity/identity.ts";

const MIN_SHARED = 4;

function redactString(s: string, identities: readonly Identity[]): string {
  for (const id of identities) {
    if (s === id.password) return `<password of ${id.username} from ${id.passwordSource}>`;
    if (
      id.password.length >= MIN_SHARED &&
      (s.includes(id.password) || sharesRun(s, id.password))
    ) {
      return `<variant of the password of ${id.username} (${[...s].length} chars)>`;
    }
  }
  return s;
}

/** True when a and b share a run of MIN_SHARED or more characters. */
function sharesRun(a: string, b: string): boolean {
  for (let i = 0; i + MIN_SHARED <= b.length; i++) {
    if (a.includes(b.slice(i, i + MIN_SHARED))) return true;
  }
  return false;
}

export function redactValue(value: unknown, identities: readonly Identity[]): unknown {
  if (typeof value === "string") return redactString(value, identities);
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, identities));
  if (value && typeof value === "object") {
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
