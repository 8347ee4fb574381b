// Read and validate a target manifest (`target.yaml`). Every error is one line naming the
// file, the key path and what was expected, e.g.
//   targets/x/target.yaml: boot.image: an image with a pinned tag (not :latest)
import { readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { manifestSchema, type TargetManifest } from "./schema.ts";

export const MANIFEST_FILE = "target.yaml";

export class ManifestError extends Error {
  override readonly name = "ManifestError";
  constructor(
    /** The manifest file, as given or relative to the working directory. */
    readonly file: string,
    /** Dotted key path (`boot.image`, `identities.list[0].username`), or undefined. */
    readonly keyPath: string | undefined,
    /** What was expected or went wrong. */
    readonly expected: string,
  ) {
    super(`${file}: ${keyPath === undefined ? "" : `${keyPath}: `}${expected}`);
  }
}

export interface LoadedManifest {
  manifest: TargetManifest;
  /** Absolute folder of the manifest: Dockerfiles and contexts are relative to it. */
  dir: string;
  /** Absolute path of the manifest file. */
  file: string;
}

/** Load `<folder>/target.yaml` (or a `.yaml`/`.yml` file given directly) and validate it. */
export async function loadManifest(pathToFolderOrYaml: string): Promise<LoadedManifest> {
  const given = resolve(pathToFolderOrYaml);
  let file = given;
  try {
    if ((await stat(given)).isDirectory()) file = join(given, MANIFEST_FILE);
  } catch {
    // Reported below as a missing file.
  }
  const shown = display(file);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError(
      shown,
      undefined,
      code === "ENOENT"
        ? `file not found (expected a target folder holding ${MANIFEST_FILE}, or the path of a manifest)`
        : `cannot read (${code ?? String(error)})`,
    );
  }
  const data = await resolveExtends(parseYamlMapping(text, shown), file);
  return { manifest: validateManifest(data, shown), dir: dirname(file), file };
}

/** Validate manifest text; `file` only names it in errors. */
export function parseManifest(text: string, file = MANIFEST_FILE): TargetManifest {
  return validateManifest(parseYamlMapping(text, file), file);
}

/** YAML text -> a plain mapping, or a one-line ManifestError. */
function parseYamlMapping(text: string, file: string): Record<string, unknown> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const pos = syntax.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const what = (syntax.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
    throw new ManifestError(where, undefined, `YAML syntax error: ${what}`);
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ManifestError(
      file,
      undefined,
      "expected a YAML mapping of manifest keys at the top level",
    );
  }
  return data as Record<string, unknown>;
}

/**
 * `extends: <path>` (relative to the manifest) takes every key of another manifest or
 * partial manifest, then overrides them with this one's: mappings merge key by key,
 * lists and scalars are replaced. Services sharing one API mapping (the corpus' broken
 * targets, a fleet of similar services) state it once.
 */
async function resolveExtends(
  data: Record<string, unknown>,
  file: string,
  seen: string[] = [],
): Promise<Record<string, unknown>> {
  const { extends: parent, ...own } = data;
  if (parent === undefined) return own;
  if (typeof parent !== "string" || parent === "") {
    throw new ManifestError(
      display(file),
      "extends",
      "a path to another manifest (relative to this one)",
    );
  }
  const parentFile = resolve(dirname(file), parent);
  if (seen.includes(parentFile)) {
    throw new ManifestError(
      display(file),
      "extends",
      `a manifest that does not extend itself (cycle through ${display(parentFile)})`,
    );
  }
  const text = await readFile(parentFile, "utf8").catch(() => {
    throw new ManifestError(
      display(file),
      "extends",
      `an existing file (${display(parentFile)} not found)`,
    );
  });
  const base = await resolveExtends(parseYamlMapping(text, display(parentFile)), parentFile, [
    ...seen,
    file,
  ]);
  return mergeManifests(base, own);
}

export function mergeManifests(
  base: Record<string, unknown>,
  own: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(own)) {
    const b = base[key];
    const mergeable = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
    out[key] =
      mergeable(b) && mergeable(value)
        ? mergeManifests(b as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

function validateManifest(data: unknown, file: string): TargetManifest {
  const result = manifestSchema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const first = describeIssue(issues[0]!);
  const more =
    issues.length > 1
      ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})`
      : "";
  throw new ManifestError(file, first.path, first.message + more);
}

type Issue = z.core.$ZodIssue;

function describeIssue(
  issue: Issue,
  prefix: PropertyKey[] = [],
): { path: string | undefined; message: string } {
  const at = [...prefix, ...issue.path];
  if (issue.code === "invalid_union") return describeUnion(issue, at);
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `\`${k}\``).join(", ");
    return {
      path: formatPath(at),
      message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}`,
    };
  }
  if (issue.code === "invalid_type" && isMissing(issue)) {
    return { path: formatPath(at), message: `required: ${plainType(issue.expected)}` };
  }
  return {
    path: formatPath(at),
    message: issue.message.replace(/^Invalid input: /, "").replace(/^Too (small|big): /, ""),
  };
}

/** No union branch matched (zod reports the one branch that nearly did, if any). */
function describeUnion(issue: Issue & { code: "invalid_union" }, at: PropertyKey[]) {
  const branches = issue.errors;
  // A branch failing only deeper than a missing or unknown key is the one the author meant.
  const intended = branches.find(
    (b) =>
      b.length > 0 &&
      b.every((i) => i.code !== "unrecognized_keys" && !isMissing(i) && i.path.length > 0),
  );
  if (intended !== undefined) return describeIssue(intended[0]!, at);
  const unknown = [
    ...new Set(
      branches.flatMap((b) => b.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys : []))),
    ),
  ];
  const unknownText =
    unknown.length > 0 ? `unknown key ${unknown.map((k) => `\`${k}\``).join(", ")}; ` : "";
  return {
    path: formatPath(at),
    message: `${unknownText}expected ${alternatives(at) ?? "one of the allowed forms"}`,
  };
}

function isMissing(issue: Issue): boolean {
  return issue.code === "invalid_type" && / received undefined$/.test(issue.message);
}

interface SchemaNode {
  _zod: { def: { type: string; [key: string]: unknown } };
}

/** The schema at a key path of the manifest (through optional/default wrappers and lists). */
function schemaAt(path: readonly PropertyKey[]): SchemaNode | undefined {
  let node = unwrap(manifestSchema as unknown as SchemaNode);
  for (const part of path) {
    let def = node._zod.def;
    if (def.type === "union" && typeof part === "string") {
      // `create: seeded | { method, path, id }`: the option that has the key.
      const option = (def.options as SchemaNode[])
        .map(unwrap)
        .find(
          (o) =>
            o._zod.def.type === "object" &&
            (o._zod.def.shape as Record<string, unknown>)[part] !== undefined,
        );
      if (option === undefined) return undefined;
      def = option._zod.def;
    }
    if (def.type === "object" && typeof part === "string") {
      node = (def.shape as Record<string, SchemaNode>)[part]!;
    } else if (def.type === "array" && typeof part === "number") {
      node = def.element as SchemaNode;
    } else {
      return undefined;
    }
    if (node === undefined) return undefined;
    node = unwrap(node);
  }
  return node;
}

function unwrap(node: SchemaNode): SchemaNode {
  let current = node;
  while (
    ["optional", "default", "prefault", "nullable", "readonly"].includes(current._zod.def.type)
  ) {
    current = current._zod.def.innerType as SchemaNode;
  }
  return current;
}

/** "a mapping with one of the keys `dockerfile`, `image` or `url`", read from the schema. */
function alternatives(path: readonly PropertyKey[]): string | undefined {
  const node = schemaAt(path);
  if (node?._zod.def.type !== "union") return undefined;
  const forms: string[] = [];
  for (const option of node._zod.def.options as SchemaNode[]) {
    const def = unwrap(option)._zod.def;
    if (def.type !== "object") return undefined;
    const shape = def.shape as Record<string, SchemaNode>;
    const required = Object.keys(shape).filter(
      (k) => !["optional", "default"].includes(shape[k]!._zod.def.type),
    );
    forms.push(required.map((k) => `\`${k}\``).join(" and ") || "no keys");
  }
  if (forms.length === 1) return `a mapping with ${forms[0]}`;
  return `a mapping with one of the keys ${forms.slice(0, -1).join(", ")} or ${forms[forms.length - 1]}`;
}

function plainType(expected: string | undefined): string {
  return expected === "object" ? "a mapping" : expected === "array" ? "a list" : `a ${expected}`;
}

export function formatPath(path: readonly PropertyKey[]): string | undefined {
  if (path.length === 0) return undefined;
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
