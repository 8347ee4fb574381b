// `conformance init`: draft a commented target.yaml for a service, from a URL or a
// Dockerfile, plus resources given by flags or read from an OpenAPI 3 document. What a
// draft cannot know (who owns a record, who may perform an operation, kinds of fields) is
// written as a valid guess marked `# TODO`, so that the file loads as it is and the author
// sees what to check. The draft is validated by the manifest loader before it is written.
import { readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { MANIFEST_JSON_SCHEMA_FILE } from "../harness/manifest/jsonSchema.ts";
import { MANIFEST_FILE, parseManifest } from "../harness/manifest/load.ts";

/** Bad input to `init` (one line naming cause and fix). */
export class InitError extends Error {}

export interface InitOptions {
  url?: string;
  plaintextUrl?: string;
  dockerfile?: string;
  openapi?: string;
  /** `name=task,read=GET:/tasks/{id},merge=PATCH:/tasks/{id},field=title:display_name` */
  resource?: string[];
  name?: string;
  /** The manifest to write, or an existing folder to write target.yaml into. */
  out: string;
  force?: boolean;
}

type FieldKind = "email" | "display_name";

interface Operation {
  method: string;
  path: string;
}

interface DraftField {
  name: string;
  /** Undefined: the manifest has no kind for it yet; written as a TODO, not as a field. */
  kind?: FieldKind;
  /** Why the kind is a guess, or why there is none. */
  todo?: string;
}

interface DraftResource {
  name: string;
  idField: string;
  ownerField: string;
  roleField?: string;
  reads: Operation[];
  replace?: Operation;
  merge?: Operation;
  writable: DraftField[];
  readOnly: string[];
  /** Operations or facts the manifest cannot state yet, written as TODO comments. */
  todos: string[];
}

/** The reference API of docs/SPEC.md section 1, drafted when no resource is given. */
const USER_RECORD: DraftResource = {
  name: "user",
  idField: "username",
  ownerField: "username",
  roleField: "role",
  reads: [{ method: "GET", path: "/users/{id}" }],
  replace: { method: "PUT", path: "/users/{id}" },
  merge: { method: "PATCH", path: "/users/{id}" },
  writable: [
    { name: "email", kind: "email" },
    { name: "display_name", kind: "display_name" },
  ],
  readOnly: ["username", "role"],
  todos: [
    "the reference API of docs/SPEC.md section 1: describe your service's resources instead (--resource or --openapi)",
  ],
};

/** Draft, validate and write the manifest; returns the file written. */
export async function initManifest(opts: InitOptions): Promise<string> {
  const file = await outputFile(opts.out);
  const resources = [
    ...(opts.resource ?? []).map(resourceFromFlag),
    ...(opts.openapi ? resourcesFromOpenApi(await readOpenApi(opts.openapi)) : []),
  ];
  const text = draftManifest(opts, resources.length > 0 ? resources : [USER_RECORD], file);
  parseManifest(text, file); // a draft that does not load is a bug of init, not of the user
  try {
    await writeFile(file, text, { flag: opts.force ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new InitError(`${file} exists: pass --force to overwrite it`);
    throw error;
  }
  return file;
}

async function outputFile(out: string): Promise<string> {
  const isDir = await stat(out).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDir ? join(out, MANIFEST_FILE) : out;
}

/** The manifest text for a service; `file` is where it will be written (for relative paths). */
function draftManifest(
  opts: Omit<InitOptions, "out" | "resource" | "openapi">,
  resources: readonly DraftResource[],
  file: string,
): string {
  if ((opts.url === undefined) === (opts.dockerfile === undefined))
    throw new InitError("pass one of --url https://host:port or --dockerfile PATH");
  const dir = dirname(resolve(file));
  const lines = [
    `# yaml-language-server: $schema=${schemaReference(dir)}`,
    "# Target manifest drafted by `conformance init`: what the suite needs to know about the",
    "# service (docs/SPEC.md sections 1b and 2). Lines marked TODO are guesses or gaps: check",
    "# each against the service, then run `conformance run` on this file.",
    "profile: BAIP/2",
    `name: ${scalar(opts.name ?? defaultName(opts, dir))}`,
  ];
  if (opts.url !== undefined) {
    if (!opts.url.startsWith("https://"))
      throw new InitError(
        `--url ${opts.url}: an https:// URL (the suite never sends credentials in clear)`,
      );
    lines.push(`boot: { url: ${scalar(opts.url)} }`, ...plaintextLines(opts.plaintextUrl, "url"));
    lines.push(
      "identities:",
      "  # TODO: accounts that exist on the service: at least two users and one privileged",
      "  # identity. Passwords come from these environment variables, never from this file.",
      "  list:",
      `    - { username: user-one, passwordEnv: BAIP_USER_ONE_PASSWORD, role: user }`,
      `    - { username: user-two, passwordEnv: BAIP_USER_TWO_PASSWORD, role: user }`,
      `    - { username: admin-one, passwordEnv: BAIP_ADMIN_ONE_PASSWORD, role: admin }`,
    );
  } else {
    const dockerfile = posix(relative(dir, resolve(opts.dockerfile!))) || ".";
    lines.push(
      `boot: { dockerfile: ${scalar(dockerfile)} }`,
      ...plaintextLines(opts.plaintextUrl, "port"),
    );
    lines.push(
      "# The harness generates these identities into /run/conformance/users.json (docs/SPEC.md 2).",
      "identities: { generate: { users: 3, admins: 1 } }",
    );
  }
  lines.push("privilegedRoles: [admin] # TODO: roles that may act on every record", "resources:");
  for (const r of resources) lines.push(...resourceLines(r));
  return `${lines.join("\n")}\n`;
}

function plaintextLines(url: string | undefined, form: "url" | "port"): string[] {
  if (url !== undefined) {
    if (form === "port") throw new InitError("--plaintext-url is for --url targets");
    if (!url.startsWith("http://")) throw new InitError(`--plaintext-url ${url}: an http:// URL`);
    return [`plaintext: { url: ${scalar(url)} } # tested, never used (TLS-01..06)`];
  }
  return form === "port"
    ? ["# plaintext: { port: 8080 } # TODO: uncomment if the service also listens on plain HTTP"]
    : ["# plaintext: { url: http://host:port } # TODO: the plain HTTP listener, if there is one"];
}

function resourceLines(r: DraftResource): string[] {
  const audience = "who: owner-or-privileged } # TODO: who may: owner | owner-or-privileged";
  const op = (o: Operation) => `{ method: ${o.method}, path: ${scalar(o.path)}, ${audience}`;
  const out = [
    `  - name: ${scalar(r.name)}`,
    ...r.todos.map((t) => `    # TODO: ${t}`),
    `    idField: ${scalar(r.idField)}`,
    `    ownerField: ${scalar(r.ownerField)} # TODO: the field naming the identity that owns a record`,
  ];
  if (r.roleField !== undefined) out.push(`    roleField: ${scalar(r.roleField)}`);
  out.push("    reads:", ...r.reads.map((o) => `      - ${op(o)}`));
  if (r.replace) out.push(`    replace: ${op(r.replace)}`);
  if (r.merge) out.push(`    merge: ${op(r.merge)}`);
  const described = r.writable.filter((f) => f.kind !== undefined);
  out.push(`    writable:${described.length === 0 ? " {} # TODO: no writable field found" : ""}`);
  for (const f of r.writable) {
    out.push(
      f.kind === undefined
        ? `      # TODO: ${f.name}: ${f.todo}`
        : `      ${scalar(f.name)}: { kind: ${f.kind} }${f.todo ? ` # TODO: ${f.todo}` : ""}`,
    );
  }
  if (r.readOnly.length > 0)
    out.push(`    readOnly: { ${r.readOnly.map((f) => `${scalar(f)}: ${scalar(f)}`).join(", ")} }`);
  return out;
}

// --- --resource name=task,read=GET:/tasks/{id},field=title:display_name ----------------

const RESOURCE_FLAG_HELP =
  "name=NAME,read=METHOD:/path/{id}[,replace=PUT:/path/{id}][,merge=PATCH:/path/{id}][,field=NAME:email|display_name][,id=FIELD][,owner=FIELD]";

function resourceFromFlag(spec: string): DraftResource {
  const bad = (why: string) =>
    new InitError(`--resource ${spec}: ${why} (expected ${RESOURCE_FLAG_HELP})`);
  const r: DraftResource = {
    name: "",
    idField: "id",
    ownerField: "",
    reads: [],
    writable: [],
    readOnly: [],
    todos: [],
  };
  for (const part of spec.split(",")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 1 || value === "") throw bad(`\`${part}\` is not key=value`);
    const operation = (): Operation => {
      const m = /^(GET|PUT|PATCH|POST|DELETE):(\/\S*)$/i.exec(value);
      if (!m) throw bad(`${key}=${value} is not METHOD:/path`);
      if (!m[2]!.includes("{id}"))
        throw bad(`${key}=${value}: the path needs the placeholder {id}`);
      return { method: m[1]!.toUpperCase(), path: m[2]! };
    };
    if (key === "name") r.name = value;
    else if (key === "id") r.idField = value;
    else if (key === "owner") r.ownerField = value;
    else if (key === "read") r.reads.push(operation());
    else if (key === "replace") r.replace = operation();
    else if (key === "merge") r.merge = operation();
    else if (key === "field") {
      const [name, kind] = value.split(":");
      if (!name || (kind !== "email" && kind !== "display_name"))
        throw bad(`field=${value} is not NAME:email or NAME:display_name`);
      r.writable.push({ name, kind });
    } else throw bad(`unknown key \`${key}\``);
  }
  if (r.name === "") throw bad("name= is missing");
  if (r.reads.length === 0) throw bad("read= is missing (the suite reads records back through it)");
  if (r.ownerField === "") r.ownerField = r.idField;
  return r;
}

// --- --openapi FILE ------------------------------------------------------------------

type Json = { [key: string]: unknown };

async function readOpenApi(file: string): Promise<Json> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(file, "utf8")); // YAML 1.2 reads JSON too
  } catch (error) {
    throw new InitError(
      `--openapi ${file}: cannot read (${(error as Error).message.split("\n")[0]})`,
    );
  }
  const d = doc as Json | null;
  if (!d || typeof d !== "object" || typeof d.openapi !== "string" || !d.openapi.startsWith("3."))
    throw new InitError(`--openapi ${file}: not an OpenAPI 3 document (no \`openapi: 3.x\` key)`);
  return d;
}

/** Resources from the paths whose last segment is a parameter (`/tasks/{taskId}`). */
function resourcesFromOpenApi(doc: Json): DraftResource[] {
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const resources: DraftResource[] = [];
  for (const [path, item] of Object.entries(paths)) {
    const m = /^(.*)\/\{([^}/]+)\}$/.exec(path);
    if (!m) continue;
    const [, base, param] = m as unknown as [string, string, string];
    const template = path.replace(`{${param}}`, "{id}");
    const todos: string[] = [];
    if (template.slice(0, -"{id}".length).includes("{"))
      todos.push(`${path}: fill the other path parameters with fixed values`);
    const get = item.get as Json | undefined;
    if (!get) continue; // nothing to read records back through: not drafted
    const shown = schemaProperties(doc, responseSchema(get));
    const replace = item.put as Json | undefined;
    const merge = item.patch as Json | undefined;
    const bodyProps = {
      ...schemaProperties(doc, requestSchema(replace)),
      ...schemaProperties(doc, requestSchema(merge)),
    };
    const writable = Object.entries(bodyProps)
      .filter(([, s]) => s.readOnly !== true)
      .map(([name, s]) => fieldFromSchema(name, s));
    const writableNames = new Set(writable.map((f) => f.name));
    const readOnly = Object.keys(shown).filter((k) => !writableNames.has(k));
    const idField = param in shown ? param : "id" in shown ? "id" : param;
    const ownerField =
      ["owner", "owner_id", "ownerId", "user_id", "userId", "username", "user"].find(
        (k) => k in shown && k !== idField,
      ) ?? idField;
    for (const method of ["delete", "post"] as const)
      if (item[method])
        todos.push(`${method.toUpperCase()} ${path}: not yet describable in a manifest`);
    for (const method of ["get", "post"] as const)
      if (paths[base]?.[method])
        todos.push(
          `${method.toUpperCase()} ${base} (${method === "get" ? "list" : "create"}): not yet describable in a manifest`,
        );
    resources.push({
      name: resourceName(base),
      idField,
      ownerField,
      roleField: readOnly.includes("role") ? "role" : undefined,
      reads: [{ method: "GET", path: template }],
      replace: replace ? { method: "PUT", path: template } : undefined,
      merge: merge ? { method: "PATCH", path: template } : undefined,
      writable,
      readOnly,
      todos,
    });
  }
  if (resources.length === 0)
    throw new InitError(
      "--openapi: no path ends in a parameter with a GET (such as GET /tasks/{id})",
    );
  return resources;
}

function fieldFromSchema(name: string, s: Json): DraftField {
  if (s.format === "email") return { name, kind: "email" };
  if (s.type === "string" || s.type === undefined)
    return { name, kind: "display_name", todo: "kind guessed from type string" };
  return { name, todo: `${String(s.type)}: the manifest has no field kind for it yet; left out` };
}

function jsonBody(node: Json | undefined): unknown {
  const content = node?.content as Record<string, Json> | undefined;
  return content?.["application/json"]?.schema;
}

function requestSchema(op: Json | undefined): unknown {
  return jsonBody(op?.requestBody as Json | undefined);
}

function responseSchema(op: Json): unknown {
  const responses = (op.responses ?? {}) as Record<string, Json>;
  const ok = Object.keys(responses).find((code) => /^2\d\d$|^2XX$/i.test(code));
  return ok === undefined ? undefined : jsonBody(responses[ok]);
}

/** Properties of an object schema, through local `$ref`s and `allOf`. */
function schemaProperties(doc: Json, schema: unknown, depth = 0): Record<string, Json> {
  if (!schema || typeof schema !== "object" || depth > 16) return {};
  const s = schema as Json;
  if (typeof s.$ref === "string") return schemaProperties(doc, resolveRef(doc, s.$ref), depth + 1);
  const own = (s.properties ?? {}) as Record<string, Json>;
  const parts = Array.isArray(s.allOf) ? s.allOf : [];
  return Object.assign({}, ...parts.map((p) => schemaProperties(doc, p, depth + 1)), own);
}

function resolveRef(doc: Json, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined; // other files are not followed
  return ref
    .slice(2)
    .split("/")
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
}

function resourceName(base: string): string {
  const last = base.split("/").filter(Boolean).pop() ?? "record";
  return last.endsWith("ies") ? `${last.slice(0, -3)}y` : last.replace(/s$/, "");
}

// --- YAML and names ----------------------------------------------------------------

/** A YAML scalar: plain where unambiguous, else a JSON string (JSON strings are YAML). */
function scalar(value: string): string {
  const plain =
    /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value) &&
    !/^(y|n|yes|no|true|false|on|off|null)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

function defaultName(opts: { url?: string }, dir: string): string {
  const from = opts.url ? new URL(opts.url).hostname : basename(dir);
  const name = from
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return name === "" ? "my-service" : name;
}

/**
 * The manifest's JSON Schema as seen from the manifest's folder: relative (a checkout, or
 * `node_modules/baip-conformance/...` in a project that installed the package), absolute
 * when the two share no folder but the root.
 */
function schemaReference(dir: string): string {
  const rel = relative(dir, MANIFEST_JSON_SCHEMA_FILE);
  const sharesOnlyRoot =
    rel.split(sep).filter((p) => p === "..").length >= dir.split(sep).filter(Boolean).length;
  return posix(sharesOnlyRoot || isAbsolute(rel) ? MANIFEST_JSON_SCHEMA_FILE : rel);
}

function posix(path: string): string {
  return path.split(sep).join("/");
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Registers `conformance init` on the program. */
export function registerInit(program: Command): void {
  program
    .command("init")
    .description("draft a commented target.yaml for a service (URL, Dockerfile, OpenAPI document)")
    .option("--url <https-url>", "a running service (identities listed, passwords from env vars)")
    .option("--dockerfile <path>", "a service built from this Dockerfile (identities generated)")
    .option("--openapi <file>", "draft resources from an OpenAPI 3 document (JSON or YAML)")
    .option("--resource <spec>", `a resource (repeatable): ${RESOURCE_FLAG_HELP}`, collect)
    .option("--plaintext-url <http-url>", "the service's plain HTTP listener (--url targets)")
    .option("--name <name>", "target name (default: from the URL's host or the folder)")
    .option("-o, --out <file>", "manifest to write, or a folder for target.yaml", MANIFEST_FILE)
    .option("--force", "overwrite an existing file")
    .action(async (opts: InitOptions) => {
      const file = await initManifest(opts);
      process.stdout.write(
        `wrote ${file}: check the TODO lines, then \`conformance run ${file}\`\n`,
      );
    });
}
