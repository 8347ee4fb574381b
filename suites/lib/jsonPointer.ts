// RFC 6901 JSON pointers, for records in envelopes (`/task`) and fields at depth
// (`/contact/email`): the manifest names places in the target's JSON with them.

function tokens(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** The value at `pointer`, or found: false (a missing key is not `undefined` in JSON). */
export function getPointer(doc: unknown, pointer: string): { found: boolean; value?: unknown } {
  let at: unknown = doc;
  for (const token of tokens(pointer)) {
    if (at === null || typeof at !== "object") return { found: false };
    if (Array.isArray(at)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= at.length) return { found: false };
      at = at[Number(token)];
    } else {
      if (!Object.hasOwn(at, token)) return { found: false };
      at = (at as Record<string, unknown>)[token];
    }
  }
  return { found: doc !== undefined, value: at };
}

/** Set `value` at `pointer` in `doc`, making objects on the way (own properties only). */
export function setPointer(doc: Record<string, unknown>, pointer: string, value: unknown): void {
  const path = tokens(pointer);
  let at: Record<string, unknown> = doc;
  for (const [i, token] of path.entries()) {
    if (i === path.length - 1) {
      Object.defineProperty(at, token, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return;
    }
    let next = Object.hasOwn(at, token) ? at[token] : undefined;
    if (next === null || typeof next !== "object" || Array.isArray(next)) {
      next = {};
      Object.defineProperty(at, token, {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    at = next as Record<string, unknown>;
  }
}
