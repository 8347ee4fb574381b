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
import type { FieldSpec } from "../harness/manifest/schema.ts";

/** Bad input to `init` (one line naming cause and fix). */
export class InitError extends Error {}

export interface InitOptions {
  url?: string;
  plaintextUrl?: string;
  dockerfile?: string;
  openapi?: string;
  /** `name=task,read=GET:/tasks/{id},merge=PATCH:/tasks/{id},field=title:string:1:100` */
  resource?: string[];
  name?: string;
  /** The manifest to write, or an existing folder to write target.yaml into. */
  out: string;
  force?: boolean;
}

type FieldKind = FieldSpec["kind"];

/** Where a record id travels when not in the path (`{id}`). */
interface IdPlacement {
  in: "query" | "body";
  key: string;
}

interface Operation {
  method: string;
  path: string;
  id?: IdPlacement;
}

interface ListOperation {
  method: string;
  path: string;
  /** Undefined: the response does not say where the records are (written as a TODO). */
  items?: string;
}

interface CreateOperation {
  method: string;
  path: string;
  /** Undefined: the id is where `idField` is at the top of the response body (a guess). */
  id?: { pointer: string } | { location: true };
}

interface ActionOperation extends Operation {
  name: string;
  /** Fields the action is guessed to change. */
  changes: string[];
  /** Request body properties the draft does not fill in (a TODO). */
  bodyKeys: string[];
}

interface DraftField {
  name: string;
  /** Undefined: no kind fits; written as a TODO, not as a field. */
  kind?: FieldKind;
  min?: number;
  max?: number;
  values?: string[];
  /** Why the kind or its bounds are a guess, or why there is no kind. */
  todo?: string;
}

interface DraftResource {
  name: string;
  create?: CreateOperation;
  idField: string;
  /** Undefined: no field names the owner (written as a commented-out TODO). */
  ownerField?: string;
  roleField?: string;
  record?: string;
  reads: Operation[];
  lists: ListOperation[];
  replace?: Operation;
  merge?: Operation;
  deletes: Operation[];
  actions: ActionOperation[];
  writable: DraftField[];
  readOnly: string[];
  /** Facts the draft cannot state, written as TODO comments. */
  todos: string[];
}

/** A resource of this name with nothing found yet: the id field defaults to `id`. */
function emptyResource(name: string): DraftResource {
  return {
    name,
    idField: "id",
    reads: [],
    lists: [],
    deletes: [],
    actions: [],
    writable: [],
    readOnly: [],
    todos: [],
  };
}

/** The reference API of docs/SPEC.md section 1, drafted when no resource is given. */
const USER_RECORD: DraftResource = {
  name: "user",
  idField: "username",
  ownerField: "username",
  roleField: "role",
  reads: [{ method: "GET", path: "/users/{id}" }],
  lists: [],
  replace: { method: "PUT", path: "/users/{id}" },
  merge: { method: "PATCH", path: "/users/{id}" },
  deletes: [],
  actions: [],
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
  const fromFlags = (opts.resource ?? []).map(resourceFromFlag);
  const fromOpenApi = opts.openapi
    ? resourcesFromOpenApi(await readOpenApi(opts.openapi))
    : { resources: [], notes: [] };
  const resources = [...fromFlags, ...fromOpenApi.resources];
  const text = draftManifest(
    opts,
    resources.length > 0 ? resources : [USER_RECORD],
    file,
    fromOpenApi.notes,
  );
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
  notes: readonly string[] = [],
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
  lines.push(
    "privilegedRoles: [admin] # TODO: roles that may act on every record; [] if the service has none",
  );
  lines.push(...notes.map((n) => `# TODO: not drafted: ${n}`), "resources:");
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

const WHO_TODO = " # TODO: who may: owner | owner-or-privileged | privileged | authenticated";

function operationFlow(o: Operation, who: string, extra: string[] = []): string {
  const parts = [`method: ${o.method}`, `path: ${scalar(o.path)}`];
  if (o.id) parts.push(`id: { in: ${o.id.in}, key: ${scalar(o.id.key)} }`);
  return `{ ${[...parts, `who: ${who}`, ...extra].join(", ")} }`;
}

function resourceLines(r: DraftResource): string[] {
  const op = (o: Operation) => `${operationFlow(o, "owner-or-privileged")}${WHO_TODO}`;
  const out = [`  - name: ${scalar(r.name)}`, ...r.todos.map((t) => `    # TODO: ${t}`)];
  if (r.create) {
    const c = r.create;
    const id = c.id ?? { pointer: `/${escapePointer(r.idField)}` };
    const idFlow = "location" in id ? "{ location: true }" : `{ pointer: ${scalar(id.pointer)} }`;
    out.push(
      "    # The suite creates each identity's records through this at the start of a run.",
      `    create: { method: ${c.method}, path: ${scalar(c.path)}, who: authenticated, id: ${idFlow} }${
        c.id
          ? ""
          : " # TODO: where the response holds the new id (JSON pointer, or { location: true })"
      }`,
    );
  }
  out.push(`    idField: ${scalar(r.idField)}`);
  out.push(
    r.ownerField === undefined
      ? "    # ownerField: owner # TODO: the field naming the identity that owns a record, if records show one"
      : `    ownerField: ${scalar(r.ownerField)} # TODO: the field naming the identity that owns a record`,
  );
  if (r.roleField !== undefined) out.push(`    roleField: ${scalar(r.roleField)}`);
  if (r.record)
    out.push(`    record: ${scalar(r.record)} # where the record sits in read responses`);
  out.push("    reads:", ...r.reads.map((o) => `      - ${op(o)}`));
  if (r.lists.length > 0) {
    out.push("    lists:");
    for (const l of r.lists)
      out.push(
        `      - { method: ${l.method}, path: ${scalar(l.path)}, who: authenticated, items: ${scalar(l.items ?? "")} }${
          l.items === undefined
            ? " # TODO: items: JSON pointer to the records (an array, or an object keyed by id)"
            : ""
        }`,
      );
  }
  if (r.replace) out.push(`    replace: ${op(r.replace)}`);
  if (r.merge) out.push(`    merge: ${op(r.merge)}`);
  if (r.deletes.length > 0) out.push("    deletes:", ...r.deletes.map((o) => `      - ${op(o)}`));
  if (r.actions.length > 0) {
    out.push("    actions:");
    for (const a of r.actions) {
      const flow = operationFlow(a, "owner-or-privileged", [
        "body: {}",
        `changes: [${a.changes.map(scalar).join(", ")}]`,
      ]);
      const todos = [
        "who may; changes: the fields the action changes (MODEL-01 expects those to change, no others)",
        ...(a.bodyKeys.length > 0 ? [`body: its request body (${a.bodyKeys.join(", ")})`] : []),
      ];
      out.push(`      - { name: ${scalar(a.name)}, ${flow.slice(2)} # TODO: ${todos.join("; ")}`);
    }
  }
  const described = r.writable.filter((f) => f.kind !== undefined);
  out.push(`    writable:${described.length === 0 ? " {} # TODO: no writable field found" : ""}`);
  for (const f of r.writable) {
    out.push(
      f.kind === undefined
        ? `      # TODO: ${f.name}: ${f.todo}`
        : `      ${scalar(f.name)}: ${fieldFlow(f)}${f.todo ? ` # TODO: ${f.todo}` : ""}`,
    );
  }
  if (r.readOnly.length > 0)
    out.push(`    readOnly: { ${r.readOnly.map((f) => `${scalar(f)}: ${scalar(f)}`).join(", ")} }`);
  return out;
}

function fieldFlow(f: DraftField): string {
  const parts = [`kind: ${f.kind}`];
  if (f.min !== undefined) parts.push(`min: ${f.min}`);
  if (f.max !== undefined) parts.push(`max: ${f.max}`);
  if (f.values) parts.push(`values: [${f.values.map(scalar).join(", ")}]`);
  return `{ ${parts.join(", ")} }`;
}

// --- --resource name=task,read=GET:/tasks/{id},field=title:string:1:100 ----------------

const RESOURCE_FLAG_HELP =
  "name=NAME,read=OP[,read=OP][,list=GET:/path[@ITEMS]][,create=POST:/path[@ID]][,replace=OP][,merge=OP][,delete=OP][,action=NAME:OP][,field=NAME:KIND][,readonly=FIELD][,id=FIELD][,owner=FIELD][,record=POINTER]" +
  " where OP is METHOD:/path/{id} or METHOD:/path@query:KEY or METHOD:/path@body:KEY (the id in the query or JSON body);" +
  " ITEMS a JSON pointer to the listed records (default: the whole body); ID a JSON pointer to the new id (default: /FIELD of id=) or `location`;" +
  " KIND email, display_name, string[:MIN:MAX], text[:MIN:MAX], integer[:MIN:MAX], boolean, enum:A|B|C or opaque." +
  " read, list, delete, action, field and readonly repeat";

const METHOD = "(GET|PUT|PATCH|POST|DELETE)";

function resourceFromFlag(spec: string): DraftResource {
  const bad = (why: string) =>
    new InitError(`--resource ${spec}: ${why} (see \`conformance init --help\`)`);
  const r = emptyResource("");
  const operation = (key: string, value: string): Operation => {
    const m = new RegExp(`^${METHOD}:(/[^\\s@]*)(?:@(query|body):(\\S+))?$`, "i").exec(value);
    if (!m) throw bad(`${key}=${value} is not METHOD:/path or METHOD:/path@query|body:KEY`);
    const [, method, path, place, idKey] = m as unknown as [
      string,
      string,
      string,
      string?,
      string?,
    ];
    if (place === undefined && !path.includes("{id}"))
      throw bad(`${key}=${value}: the path needs the placeholder {id} (or @query:KEY, @body:KEY)`);
    const op: Operation = { method: method.toUpperCase(), path };
    if (place !== undefined) op.id = { in: place.toLowerCase() as "query" | "body", key: idKey! };
    return op;
  };
  for (const part of spec.split(",")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 1 || value === "") throw bad(`\`${part}\` is not key=value`);
    if (key === "name") r.name = value;
    else if (key === "id") r.idField = value;
    else if (key === "owner") r.ownerField = value;
    else if (key === "record") {
      if (!value.startsWith("/")) throw bad(`record=${value} is not a JSON pointer (/key)`);
      r.record = value;
    } else if (key === "read") r.reads.push(operation(key, value));
    else if (key === "replace") r.replace = operation(key, value);
    else if (key === "merge") r.merge = operation(key, value);
    else if (key === "delete") r.deletes.push(operation(key, value));
    else if (key === "action") {
      const colon = value.indexOf(":");
      const name = value.slice(0, colon);
      if (colon < 1 || new RegExp(`^${METHOD}$`, "i").test(name))
        throw bad(`action=${value} is not NAME:METHOD:/path`);
      r.actions.push({
        name,
        ...operation(key, value.slice(colon + 1)),
        changes: [],
        bodyKeys: [],
      });
    } else if (key === "list") {
      const m = new RegExp(`^${METHOD}:(/[^\\s@]*)(?:@(/\\S*))?$`, "i").exec(value);
      if (!m) throw bad(`list=${value} is not METHOD:/path or METHOD:/path@/pointer`);
      r.lists.push({ method: m[1]!.toUpperCase(), path: m[2]!, items: m[3] ?? "" });
    } else if (key === "create") {
      const m = new RegExp(`^${METHOD}:(/[^\\s@]*)(?:@(location|/\\S*))?$`, "i").exec(value);
      if (!m) throw bad(`create=${value} is not METHOD:/path, METHOD:/path@/pointer or @location`);
      const at = m[3];
      r.create = {
        method: m[1]!.toUpperCase(),
        path: m[2]!,
        id:
          at === undefined
            ? undefined
            : at.toLowerCase() === "location"
              ? { location: true }
              : { pointer: at },
      };
    } else if (key === "field") r.writable.push(fieldFromFlag(value, bad));
    else if (key === "readonly") r.readOnly.push(value);
    else throw bad(`unknown key \`${key}\``);
  }
  if (r.name === "") throw bad("name= is missing");
  if (r.reads.length === 0) throw bad("read= is missing (the suite reads records back through it)");
  if (r.create) {
    // The server assigns the id of a created record: the schema wants it declared read-only.
    if (!r.readOnly.includes(r.idField) && !r.writable.some((f) => f.name === r.idField))
      r.readOnly.unshift(r.idField);
    // Without @: the id field at the top of the response, as the help says.
    r.create.id ??= { pointer: `/${escapePointer(r.idField)}` };
  } else r.ownerField ??= r.idField; // a seeded record belongs to the identity it names
  return r;
}

function fieldFromFlag(value: string, bad: (why: string) => InitError): DraftField {
  const [name, kind, ...args] = value.split(":");
  const ints = (n: number) => {
    if (args.length !== 0 && args.length !== n) return undefined;
    const nums = args.map((a) => (a.trim() === "" ? Number.NaN : Number(a)));
    return nums.every(Number.isInteger) ? nums : undefined;
  };
  const fail = () =>
    bad(
      `field=${value} is not NAME:KIND (email, display_name, string[:MIN:MAX], text[:MIN:MAX], integer[:MIN:MAX], boolean, enum:A|B, opaque)`,
    );
  if (!name) throw fail();
  switch (kind) {
    case "email":
    case "display_name":
    case "boolean":
    case "opaque":
      if (args.length > 0) throw fail();
      return { name, kind };
    case "string":
    case "text":
    case "integer": {
      const b = ints(2);
      if (!b) throw fail();
      return { name, kind, min: b[0], max: b[1] };
    }
    case "enum": {
      const values = args.join(":").split("|").filter(Boolean);
      if (values.length === 0) throw fail();
      return { name, kind, values };
    }
    default:
      throw fail();
  }
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

const METHODS = ["get", "put", "patch", "post", "delete"] as const;
type Method = (typeof METHODS)[number];

/** A resource while its operations are gathered from the document. */
interface Gathered {
  name: string;
  /** The item path's parameter (`taskId` of /tasks/{taskId}), if there is one. */
  param?: string;
  /** Keys the id travels under in the query or body. */
  idKeys: string[];
  /** Response schema of each read, in order. */
  readSchemas: unknown[];
  /** Request schemas whose properties are writable fields (create, replace, merge). */
  bodies: unknown[];
  /** The create operation's OpenAPI object. */
  createOp?: Json;
  /** Request schema of each action, by index into `draft.actions`. */
  actionBodies: unknown[];
  draft: DraftResource;
}

/** Path words that name what is done to a record rather than the record. */
const DELETE_WORDS = new Set(["delete", "remove", "destroy"]);
const UPDATE_WORDS = new Set(["update", "edit", "modify", "save"]);

/**
 * Resources from an OpenAPI document. A path ending in a parameter with a GET
 * (`/tasks/{taskId}`) is a record: its PUT, PATCH and DELETE are replace, merge and delete,
 * its POST and the writes to its sub-paths (`/tasks/{taskId}/complete`) actions; GET and
 * POST on the collection (`/tasks`) are the list and the create. Paths without parameters
 * that take an id in the query or JSON body (`GET /task?id=`, `POST /tasks/delete {id}`)
 * join the resource their path or key names.
 */
function resourcesFromOpenApi(doc: Json): { resources: DraftResource[]; notes: string[] } {
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const entries = Object.entries(paths);
  const byName = new Map<string, Gathered>();
  const claimed = new Set<string>();
  const claim = (method: string, path: string) => claimed.add(`${method.toUpperCase()} ${path}`);
  const isClaimed = (method: string, path: string) =>
    claimed.has(`${method.toUpperCase()} ${path}`);
  const gather = (name: string): Gathered => {
    let g = byName.get(name);
    if (!g) {
      g = {
        name,
        idKeys: [],
        readSchemas: [],
        bodies: [],
        actionBodies: [],
        draft: emptyResource(name),
      };
      byName.set(name, g);
    }
    return g;
  };
  const addAction = (
    g: Gathered,
    action: Omit<ActionOperation, "changes" | "bodyKeys">,
    op: Json,
  ) => {
    g.draft.actions.push({ ...action, changes: [], bodyKeys: [] });
    g.actionBodies.push(requestSchema(doc, op));
  };
  const itemPaths = entries
    .map(([path]) => /^(.*)\/\{([^}/]+)\}$/.exec(path))
    .filter((m): m is RegExpExecArray => m !== null);
  const collections = new Set(itemPaths.map((m) => m[1]!));

  // Records addressed by an id in the path, and their collections.
  for (const m of itemPaths) {
    const [path, base, param] = m as unknown as [string, string, string];
    const item = paths[path]!;
    const template = `${base}/{id}`;
    const g = gather(resourceName(base));
    g.param ??= param;
    if (base.includes("{"))
      g.draft.todos.push(`${path}: fill the other path parameters with fixed values`);
    const op = (method: Method) => operationOf(item, method);
    if (op("get")) {
      g.draft.reads.push({ method: "GET", path: template });
      g.readSchemas.push(responseSchema(doc, op("get")!));
    }
    if (op("put") && !g.draft.replace) {
      g.draft.replace = { method: "PUT", path: template };
      g.bodies.push(requestSchema(doc, op("put")));
    }
    if (op("patch") && !g.draft.merge) {
      g.draft.merge = { method: "PATCH", path: template };
      g.bodies.push(requestSchema(doc, op("patch")));
    }
    if (op("delete")) g.draft.deletes.push({ method: "DELETE", path: template });
    if (op("post"))
      addAction(
        g,
        { name: actionName(op("post")!, "post"), method: "POST", path: template },
        op("post")!,
      );
    for (const method of METHODS) if (op(method)) claim(method, path);
    for (const [sub, subItem] of entries) {
      const seg = sub.startsWith(`${path}/`) ? sub.slice(path.length + 1) : "";
      if (!/^[^/{}]+$/.test(seg) || collections.has(sub)) continue;
      const writes = (["post", "put", "patch", "delete"] as const).filter((w) =>
        operationOf(subItem, w),
      );
      for (const w of writes) {
        const name = writes.length > 1 ? `${seg}-${w}` : seg;
        addAction(
          g,
          { name, method: w.toUpperCase(), path: `${template}/${seg}` },
          operationOf(subItem, w)!,
        );
        claim(w, sub);
      }
    }
    const coll = paths[base];
    if (!coll) continue;
    const list = operationOf(coll, "get");
    if (list && !isClaimed("get", base)) {
      const key = idParameter(doc, coll, list, base, true);
      if (key) {
        g.draft.reads.push({ method: "GET", path: base, id: { in: "query", key } });
        g.readSchemas.push(responseSchema(doc, list));
        g.idKeys.push(key);
      } else
        g.draft.lists.push({
          method: "GET",
          path: base,
          items: itemsPointer(doc, responseSchema(doc, list)),
        });
      claim("get", base);
    }
    const create = operationOf(coll, "post");
    if (create && !isClaimed("post", base)) {
      g.draft.create = { method: "POST", path: base };
      g.createOp = create;
      g.bodies.push(requestSchema(doc, create));
      claim("post", base);
    }
  }

  // Operations that take the id in the query or the JSON body, on paths without parameters.
  for (const [path, item] of entries) {
    if (path.includes("{")) continue;
    for (const method of METHODS) {
      const op = operationOf(item, method);
      if (!op || isClaimed(method, path)) continue;
      const id = idPlacementOf(doc, path, item, op, method);
      if (!id) continue;
      const g = gather(resourceOf(path, id.key, byName));
      if (!g.idKeys.includes(id.key)) g.idKeys.push(id.key);
      const last = path.split("/").filter(Boolean).pop() ?? "";
      const o: Operation = { method: method.toUpperCase(), path, id: { in: id.in, key: id.key } };
      const word = last.toLowerCase();
      if (method === "get") {
        g.draft.reads.push(o);
        g.readSchemas.push(responseSchema(doc, op));
      } else if (method === "delete" || (method === "post" && DELETE_WORDS.has(word)))
        g.draft.deletes.push(o);
      else if (method === "put" && !g.draft.replace) {
        g.draft.replace = o;
        g.bodies.push(requestSchema(doc, op));
      } else if (
        (method === "patch" || (method === "post" && UPDATE_WORDS.has(word))) &&
        !g.draft.merge
      ) {
        g.draft.merge = o;
        g.bodies.push(requestSchema(doc, op));
      } else {
        const name = resourceName(path) === g.name ? actionName(op, method) : last;
        addAction(g, { name, ...o }, op);
      }
      claim(method, path);
    }
  }

  // Their collections: a path without an id that names the resource (`/tasks`).
  for (const [path, item] of entries) {
    if (path.includes("{")) continue;
    const g = byName.get(resourceName(path));
    if (!g) continue;
    const list = operationOf(item, "get");
    if (list && !isClaimed("get", path)) {
      g.draft.lists.push({
        method: "GET",
        path,
        items: itemsPointer(doc, responseSchema(doc, list)),
      });
      claim("get", path);
    }
    const create = operationOf(item, "post");
    if (create && !isClaimed("post", path) && !g.draft.create) {
      g.draft.create = { method: "POST", path };
      g.createOp = create;
      g.bodies.push(requestSchema(doc, create));
      claim("post", path);
    }
  }

  const resources: DraftResource[] = [];
  const notes: string[] = [];
  for (const g of byName.values()) {
    if (g.draft.reads.length > 0) resources.push(finish(doc, g));
    else
      notes.push(
        `${g.name}: no GET returns one of its records, which the suite reads back (add a read by hand)`,
      );
  }
  if (resources.length === 0)
    throw new InitError(
      "--openapi: no GET reads one record (such as GET /tasks/{id}, or GET /task?id=)",
    );
  return { resources, notes };
}

/** Fields, id, owner and the guesses that need the fields, once all operations are known. */
function finish(doc: Json, g: Gathered): DraftResource {
  const r = g.draft;
  const { record, properties: shown } = recordOf(doc, g.readSchemas[0]);
  if (record !== "") r.record = record;
  const bodyProps: Record<string, Json> = Object.assign(
    {},
    ...g.bodies.map((b) => schemaProperties(doc, b)),
  );
  const writable = Object.entries(bodyProps)
    .filter(([name, s]) => resolveSchema(doc, s).readOnly !== true && !g.idKeys.includes(name))
    .map(([name, s]) => fieldFromSchema(name, resolveSchema(doc, s)));
  const writableNames = new Set(writable.map((f) => f.name));
  const readOnly = Object.keys(shown).filter((k) => !writableNames.has(k));
  const idField =
    [g.param, "id", ...g.idKeys].find((k) => k !== undefined && k in shown) ??
    g.param ??
    (g.idKeys.includes("id") ? "id" : (g.idKeys[0] ?? "id"));
  r.idField = idField;
  const owner = ["owner", "owner_id", "ownerId", "user_id", "userId", "username", "user"].find(
    (k) => k in shown && k !== idField,
  );
  // A record the suite creates is not an identity: without an owner field, none is named.
  r.ownerField = owner ?? (r.create ? undefined : idField);
  if (r.create) {
    if (!readOnly.includes(idField) && !writableNames.has(idField)) readOnly.unshift(idField);
    r.create.id = createdId(doc, g.createOp!, idField);
  }
  r.roleField = readOnly.includes("role") ? "role" : undefined;
  r.writable = writable;
  r.readOnly = readOnly;
  const fields = [...writable.filter((f) => f.kind !== undefined).map((f) => f.name), ...readOnly];
  r.actions.forEach((a, i) => {
    a.changes = guessChanges(a.name, fields);
    a.bodyKeys = Object.keys(schemaProperties(doc, g.actionBodies[i])).filter(
      (k) => a.id?.in !== "body" || k !== a.id.key,
    );
  });
  return r;
}

/** Where a create's response puts the new id; undefined when the document does not say. */
function createdId(
  doc: Json,
  op: Json,
  idField: string,
): { pointer: string } | { location: true } | undefined {
  const response = successResponse(doc, op);
  const headers = Object.keys((response?.headers ?? {}) as Json);
  if (headers.some((h) => h.toLowerCase() === "location")) return { location: true };
  const { record, properties } = recordOf(doc, jsonBody(doc, response));
  return idField in properties ? { pointer: `${record}/${escapePointer(idField)}` } : undefined;
}

/** The record in a response: the body, or its one object property (`{"task": {...}}`). */
function recordOf(
  doc: Json,
  schema: unknown,
): { record: string; properties: Record<string, Json> } {
  const properties = schemaProperties(doc, schema);
  const keys = Object.keys(properties);
  if (keys.length === 1) {
    const inner = schemaProperties(doc, properties[keys[0]!]);
    if (Object.keys(inner).length > 0)
      return { record: `/${escapePointer(keys[0]!)}`, properties: inner };
  }
  return { record: "", properties };
}

/** Where a list response holds its records; undefined when the schema does not say. */
function itemsPointer(doc: Json, schema: unknown): string | undefined {
  const s = resolveSchema(doc, schema);
  if (schemaType(s) === "array" || s.items !== undefined) return "";
  const props = schemaProperties(doc, s);
  const arrays = Object.entries(props).filter(([, p]) => {
    const r = resolveSchema(doc, p);
    return schemaType(r) === "array" || r.items !== undefined;
  });
  if (arrays.length === 1) return `/${escapePointer(arrays[0]![0])}`;
  const keyedById = Object.keys(props).length === 0 && typeof s.additionalProperties === "object";
  return keyedById ? "" : undefined;
}

/** Whether `key` names a record id on `path`: `id`, or `<x>_id`/`<x>Id` with x a path word. */
function idKeyOn(path: string, key: string): boolean {
  if (key === "id") return true;
  const m = /^(.+?)(?:_id|Id|ID)$/.exec(key);
  if (!m) return false;
  const x = singular(m[1]!.toLowerCase());
  return path
    .split("/")
    .filter(Boolean)
    .some((s) => singular(s.toLowerCase().replace(/[-_]/g, "")) === x.replace(/[-_]/g, ""));
}

/** The query parameter carrying a record id (on a collection GET: only a required one). */
function idParameter(
  doc: Json,
  item: Json,
  op: Json,
  path: string,
  requiredOnly = false,
): string | undefined {
  const params = [
    ...((item.parameters ?? []) as unknown[]),
    ...((op.parameters ?? []) as unknown[]),
  ].map((p) => resolveSchema(doc, p));
  const hit = params.find(
    (p) =>
      p.in === "query" &&
      typeof p.name === "string" &&
      idKeyOn(path, p.name) &&
      (!requiredOnly || p.required === true),
  );
  return hit?.name as string | undefined;
}

function idPlacementOf(
  doc: Json,
  path: string,
  item: Json,
  op: Json,
  method: Method,
): IdPlacement | undefined {
  // An optional id on a GET of a plural path (`/tasks?id=`) filters a list; it reads no record.
  const last = path.split("/").filter(Boolean).pop() ?? "";
  const filters = method === "get" && singular(last) !== last;
  const key = idParameter(doc, item, op, path, filters);
  if (key !== undefined) return { in: "query", key };
  const props = schemaProperties(doc, requestSchema(doc, op));
  const bodyKey = Object.keys(props).find(
    (k) => idKeyOn(path, k) && resolveSchema(doc, props[k]).readOnly !== true,
  );
  return bodyKey === undefined ? undefined : { in: "body", key: bodyKey };
}

/** The resource a path without parameters acts on: one already named by the key or a path word. */
function resourceOf(path: string, key: string, known: ReadonlyMap<string, unknown>): string {
  const named = /^(.+?)(?:_id|Id|ID)$/.exec(key)?.[1];
  const words = path
    .split("/")
    .filter((s) => s !== "" && s !== "api" && !/^v\d+$/.test(s))
    .map((s) => singular(s.toLowerCase()));
  const candidates = [...(named ? [singular(named.toLowerCase())] : []), ...words.toReversed()];
  const found = candidates.find((c) => known.has(c));
  if (found) return found;
  // `/todos/delete`: the word before the last names the record, `/todo` its only word.
  return named ? singular(named.toLowerCase()) : (words.at(-2) ?? words.at(-1) ?? "record");
}

function actionName(op: Json, fallback: string): string {
  const id = typeof op.operationId === "string" ? op.operationId : "";
  return /^[A-Za-z][\w-]*$/.test(id) ? id : fallback;
}

/** Fields named after the action (`complete` -> `completed`, `done`): a guess to check. */
function guessChanges(action: string, fields: readonly string[]): string[] {
  const stem = action.toLowerCase().replace(/e$/, "");
  if (stem.length < 3) return [];
  const hits = fields.filter((f) => f.toLowerCase().replace(/^is_?/, "").startsWith(stem));
  if (/^(complete|finish|done|check)$/i.test(action))
    for (const f of fields) if (/^(is_?)?done$/i.test(f) && !hits.includes(f)) hits.push(f);
  return hits;
}

/** Text kinds: formats and names of long, multi-line strings. */
const TEXT_FORMATS = new Set(["text", "textarea", "multiline", "markdown", "html"]);
const TEXT_NAMES = /^(text|notes?|description|body|content|comments?|details)$/i;
/** Beyond this many code points a string is taken for text (line feeds allowed). */
const LONG_STRING = 255;

function fieldFromSchema(name: string, s: Json): DraftField {
  const type = schemaType(s);
  const min = typeof s.minLength === "number" ? s.minLength : undefined;
  const max = typeof s.maxLength === "number" ? s.maxLength : undefined;
  if (Array.isArray(s.enum) && s.enum.length > 0) {
    if (s.enum.every((v) => typeof v === "string")) return { name, kind: "enum", values: s.enum };
    // Integers 1, 2, 3 are the integer kind with those bounds; gaps have no kind.
    const ints = s.enum.filter(Number.isInteger) as number[];
    const [lo, hi] = [Math.min(...ints), Math.max(...ints)];
    if (ints.length === s.enum.length && new Set(ints).size === hi - lo + 1)
      return { name, kind: "integer", min: lo, max: hi };
    return { name, todo: `enum of ${type ?? "mixed"} values: no field kind for it; left out` };
  }
  if (type === "boolean") return { name, kind: "boolean" };
  if (type === "integer") {
    const lo = bound(s.minimum, s.exclusiveMinimum, "min");
    const hi = bound(s.maximum, s.exclusiveMaximum, "max");
    return {
      name,
      kind: "integer",
      min: lo ?? -(2 ** 31),
      max: hi ?? 2 ** 31 - 1,
      todo: missingBounds(lo === undefined && "minimum", hi === undefined && "maximum"),
    };
  }
  if (type === "string" || (type === undefined && (min !== undefined || max !== undefined))) {
    const format = typeof s.format === "string" ? s.format : undefined;
    if (format === "email") return { name, kind: "email" };
    if (name === "display_name" && format === undefined)
      return {
        name,
        kind: "display_name",
        todo: max !== 64 ? "section 1 rules: 1 to 64 code points" : undefined,
      };
    if (
      (format !== undefined && TEXT_FORMATS.has(format)) ||
      (max !== undefined && max > LONG_STRING)
    )
      return {
        name,
        kind: "text",
        min: min ?? 0,
        max: Math.min(max ?? 1000, 60_000),
        todo: max === undefined ? "no maxLength in the document" : undefined,
      };
    if (format !== undefined || typeof s.pattern === "string")
      return {
        name,
        todo: `string ${format ? `of format ${format}` : "with a pattern"}: the suite cannot generate valid values; left out (or declare it { kind: opaque })`,
      };
    if (max === undefined && TEXT_NAMES.test(name))
      return {
        name,
        kind: "text",
        min: min ?? 0,
        max: 1000,
        todo: "text guessed from the name; no maxLength in the document",
      };
    return {
      name,
      kind: "string",
      min: min ?? 1,
      max: Math.min(max ?? 64, 10_000),
      todo: missingBounds(min === undefined && "minLength", max === undefined && "maxLength"),
    };
  }
  return {
    name,
    todo: `${type ?? "no type"}: no field kind for it; left out (or declare it { kind: opaque })`,
  };
}

/** The bounds the document leaves out, for a TODO (the schema's defaults apply). */
function missingBounds(...names: (string | false)[]): string | undefined {
  const missing = names.filter(Boolean);
  return missing.length === 0
    ? undefined
    : `no ${missing.join(" or ")} in the document: the default written here is a guess`;
}

/** An integer bound: inclusive, or exclusive (OpenAPI 3.0 flag, or 3.1 number). */
function bound(inclusive: unknown, exclusive: unknown, side: "min" | "max"): number | undefined {
  const past = (edge: number) => (side === "min" ? Math.floor(edge) + 1 : Math.ceil(edge) - 1);
  if (typeof exclusive === "number") return past(exclusive);
  if (typeof inclusive !== "number") return undefined;
  if (exclusive === true) return past(inclusive);
  return side === "min" ? Math.ceil(inclusive) : Math.floor(inclusive);
}

function schemaType(s: Json): string | undefined {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== "null") : s.type;
  return typeof t === "string" ? t : undefined;
}

function operationOf(item: Json, method: Method): Json | undefined {
  const op = item[method];
  return op && typeof op === "object" ? (op as Json) : undefined;
}

function jsonBody(doc: Json, node: unknown): unknown {
  const content = resolveSchema(doc, node).content as Record<string, Json> | undefined;
  if (!content) return undefined;
  const type = Object.keys(content).find((t) => /^application\/(.+\+)?json\b/.test(t));
  return type === undefined ? undefined : content[type]?.schema;
}

function requestSchema(doc: Json, op: Json | undefined): unknown {
  return jsonBody(doc, op?.requestBody);
}

function successResponse(doc: Json, op: Json): Json | undefined {
  const responses = (op.responses ?? {}) as Record<string, Json>;
  const ok = Object.keys(responses).find((code) => /^2\d\d$|^2XX$/i.test(code));
  return ok === undefined ? undefined : resolveSchema(doc, responses[ok]);
}

function responseSchema(doc: Json, op: Json): unknown {
  return jsonBody(doc, successResponse(doc, op));
}

/** A schema (or parameter, response) through local `$ref`s and `allOf`. */
function resolveSchema(doc: Json, schema: unknown, depth = 0): Json {
  if (!schema || typeof schema !== "object" || depth > 16) return {};
  const s = schema as Json;
  if (typeof s.$ref === "string") return resolveSchema(doc, resolveRef(doc, s.$ref), depth + 1);
  if (!Array.isArray(s.allOf)) return s;
  const parts = s.allOf.map((p) => resolveSchema(doc, p, depth + 1));
  return Object.assign({}, ...parts, s, { properties: schemaProperties(doc, s, depth) });
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

function escapePointer(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

function singular(word: string): string {
  return word.endsWith("ies") ? `${word.slice(0, -3)}y` : word.replace(/s$/, "");
}

function resourceName(base: string): string {
  const last = base
    .split("/")
    .filter((s) => s !== "" && !s.startsWith("{"))
    .pop();
  return last === undefined ? "record" : singular(last.toLowerCase());
}

// --- YAML and names ----------------------------------------------------------------

/** A YAML scalar: plain where unambiguous, else a JSON string (JSON strings are YAML). */
function scalar(value: string): string {
  // Paths and pointers without braces read plainly, even inside flow mappings.
  const plain =
    (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value) &&
      !/^(y|n|yes|no|true|false|on|off|null)$/i.test(value)) ||
    /^\/[A-Za-z0-9_./-]*$/.test(value);
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
