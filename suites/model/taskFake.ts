// An in-memory BAIP/2 service for MODEL-01's own tests: tasks created through the API
// and owned by their creator, addressed by an id in the path, the query or the body,
// listed, completed by an action and deleted two ways; and a seeded account per
// identity behind a self endpoint (/me). Each planted defect is a named switch.
// suites/testing/fakeTarget.ts is the BAIP/1 user API; this one covers what it has not.
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import { manifestSchema } from "../../harness/manifest/schema.ts";
import type { StartedTarget } from "../../harness/target/startedTarget.ts";
import type { ExchangeSender } from "../runner/suiteContext.ts";

export const TASK_DEFECTS = {
  deleteByBodyIdUnchecked: "POST /tasks/delete deletes any identity's task named in the body",
  completeUnchecked: "POST /tasks/complete completes any identity's task",
  queryReadUnchecked: "GET /task?id=N shows any identity's task",
  listShowsAll: "GET /tasks lists every identity's tasks to everyone",
  listKeepsDeleted: "GET /tasks still lists a task after it was deleted (a stale list cache)",
  softDelete: "a delete answers 204 but the task stays readable",
  completeClearsNotes: "completing a task also empties its notes",
  createDropsNotes: "a created task keeps its title but not its notes",
  patchMeIgnored: "PATCH /me answers 200 and changes nothing",
} as const;

export type TaskDefect = keyof typeof TASK_DEFECTS;

const BASE = "https://127.0.0.1:9443";

export const TASK_IDENTITIES: readonly Identity[] = [
  ["alice", "user"],
  ["bob-2", "user"],
  ["root-admin", "admin"],
].map(([username, role]) => ({
  username: username!,
  password: `pw of ${username}: ü`,
  role: role!,
  email: `${username}@example.org`,
  display_name: `Name ${username}`,
  passwordSource: `task fake (${username})`,
}));

export function taskManifest() {
  return manifestSchema.parse({
    profile: "BAIP/2",
    name: "task-fake",
    boot: { url: BASE },
    identities: {
      list: TASK_IDENTITIES.map(({ username, password, role }) => ({ username, password, role })),
    },
    privilegedRoles: ["admin"],
    resources: [
      {
        name: "account",
        idField: "username",
        reads: [{ method: "GET", path: "/me", who: "owner", self: true }],
        merge: { method: "PATCH", path: "/me", who: "owner", self: true },
        writable: { display_name: { kind: "display_name" } },
        readOnly: { username: "username" },
      },
      {
        name: "task",
        create: {
          method: "POST",
          path: "/tasks",
          who: "authenticated",
          id: { pointer: "/task/id" },
        },
        idField: "id",
        ownerField: "owner",
        record: "/task",
        reads: [
          { method: "GET", path: "/tasks/{id}", who: "owner-or-privileged" },
          { method: "GET", path: "/task", who: "owner", id: { in: "query", key: "id" } },
        ],
        lists: [{ method: "GET", path: "/tasks", who: "authenticated", items: "/tasks" }],
        replace: { method: "PUT", path: "/task", who: "owner", id: { in: "query", key: "id" } },
        merge: { method: "PATCH", path: "/tasks/{id}", who: "owner-or-privileged" },
        deletes: [
          { method: "DELETE", path: "/tasks/{id}", who: "owner-or-privileged" },
          { method: "POST", path: "/tasks/delete", who: "owner", id: { in: "body", key: "id" } },
        ],
        actions: [
          {
            name: "complete",
            method: "POST",
            path: "/tasks/complete",
            who: "owner",
            id: { in: "body", key: "id" },
            changes: ["done"],
          },
        ],
        writable: {
          title: { kind: "string", min: 1, max: 40 },
          notes: { kind: "text", max: 200 },
        },
        readOnly: { id: "id", owner: "owner", done: "done" },
      },
    ],
  });
}

interface Task {
  id: number;
  owner: string;
  title: string;
  notes: string;
  done: boolean;
}

class HttpError {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}
}

const FIELDS = ["title", "notes"] as const;

function validTitle(v: unknown): v is string {
  return typeof v === "string" && [...v].length >= 1 && [...v].length <= 40 && !/\p{Cc}/u.test(v);
}

function validNotes(v: unknown): v is string {
  return typeof v === "string" && [...v].length <= 200 && !/[^\P{Cc}\n\t]/u.test(v);
}

function validDisplayName(v: unknown): v is string {
  return typeof v === "string" && [...v].length >= 1 && [...v].length <= 64 && !/\p{Cc}/u.test(v);
}

export interface TaskFake {
  target: StartedTarget;
  sender: ExchangeSender;
  exchanges: Exchange[];
}

export function createTaskFake(
  options: { defects?: TaskDefect[]; reuseIds?: boolean } = {},
): TaskFake {
  const defects = new Set(options.defects ?? []);
  const has = (d: TaskDefect) => defects.has(d);
  const manifest = taskManifest();
  const tasks = new Map<number, Task>();
  const displayNames = new Map<string, string>();
  /** Per identity: every task id its list ever showed (listKeepsDeleted). */
  const listed = new Map<string, Set<number>>();
  const exchanges: Exchange[] = [];
  let lastId = 0;
  let seq = 0;

  const seed = () => {
    tasks.clear();
    listed.clear();
    lastId = 0;
    for (const i of TASK_IDENTITIES) displayNames.set(i.username, i.display_name);
  };
  seed();

  const nextId = () => {
    // A server without AUTOINCREMENT hands the highest id out again once it is deleted.
    if (options.reuseIds) return Math.max(0, ...tasks.keys()) + 1;
    return ++lastId;
  };

  function authenticate(spec: RequestSpec): Identity {
    const i = TASK_IDENTITIES.find(
      (x) => x.username === spec.auth?.username && x.password === spec.auth?.password,
    );
    if (!i) throw new HttpError(401, "unauthenticated");
    return i;
  }

  function bodyOf(spec: RequestSpec): Record<string, unknown> {
    let value: unknown;
    try {
      value =
        spec.json !== undefined
          ? spec.json
          : spec.rawBody
            ? JSON.parse(spec.rawBody.data.toString())
            : undefined;
    } catch {
      throw new HttpError(400, "malformed JSON");
    }
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw new HttpError(400, "a JSON object");
    return value as Record<string, unknown>;
  }

  /** Title and notes from a body; `all`: both required. */
  function fields(body: Record<string, unknown>, all: boolean, extra: string[] = []) {
    const keys = Object.keys(body).filter((k) => !extra.includes(k));
    if (keys.some((k) => !(FIELDS as readonly string[]).includes(k)))
      throw new HttpError(400, "unknown key");
    if (keys.length === 0 || (all && keys.length < FIELDS.length))
      throw new HttpError(400, "fields missing");
    if ("title" in body && !validTitle(body.title)) throw new HttpError(422, "title");
    if ("notes" in body && !validNotes(body.notes)) throw new HttpError(422, "notes");
    return Object.fromEntries(keys.map((k) => [k, body[k]])) as Partial<
      Pick<Task, "title" | "notes">
    >;
  }

  const show = (t: Task) => ({ task: { ...t } });

  function find(id: unknown, actor: Identity, mayOthers: boolean, unchecked = false): Task {
    const task =
      typeof id === "number" || typeof id === "string" ? tasks.get(Number(id)) : undefined;
    if (!task) throw new HttpError(404, "no such task");
    const own = task.owner === actor.username;
    if (!own && !unchecked && !(mayOthers && actor.role === "admin"))
      throw new HttpError(404, "no such task");
    return task;
  }

  function remove(task: Task): void {
    if (!has("softDelete")) tasks.delete(task.id);
  }

  function route(spec: RequestSpec): { status: number; json?: unknown } {
    const actor = authenticate(spec);
    const url = new URL(spec.path, BASE);
    const path = url.pathname;
    const m = /^\/tasks\/(\d+)$/.exec(path);
    const key = `${spec.method} ${m ? "/tasks/{id}" : path}`;
    switch (key) {
      case "GET /me":
        return {
          status: 200,
          json: { username: actor.username, display_name: displayNames.get(actor.username) },
        };
      case "PATCH /me": {
        const body = bodyOf(spec);
        const keys = Object.keys(body);
        if (keys.length !== 1 || keys[0] !== "display_name")
          throw new HttpError(400, "display_name only");
        if (!validDisplayName(body.display_name)) throw new HttpError(422, "display_name");
        if (!has("patchMeIgnored")) displayNames.set(actor.username, body.display_name);
        return { status: 200, json: {} };
      }
      case "POST /tasks": {
        const f = fields(bodyOf(spec), false);
        if (f.title === undefined) throw new HttpError(400, "title required");
        const task: Task = {
          id: nextId(),
          owner: actor.username,
          title: f.title,
          notes: has("createDropsNotes") ? "" : (f.notes ?? ""),
          done: false,
        };
        tasks.set(task.id, task);
        return { status: 201, json: show(task) };
      }
      case "GET /tasks": {
        const shown = [...tasks.values()].filter(
          (t) => has("listShowsAll") || actor.role === "admin" || t.owner === actor.username,
        );
        const seen = listed.get(actor.username) ?? new Set<number>();
        listed.set(actor.username, seen);
        for (const t of shown) seen.add(t.id);
        const ids = has("listKeepsDeleted") ? [...seen] : shown.map((t) => t.id);
        return {
          status: 200,
          json: {
            tasks: ids.map(
              (id) =>
                tasks.get(id) ?? { id, owner: actor.username, title: "?", notes: "", done: false },
            ),
          },
        };
      }
      case "GET /tasks/{id}":
        return { status: 200, json: show(find(m![1], actor, true)) };
      case "PATCH /tasks/{id}": {
        const task = find(m![1], actor, true);
        Object.assign(task, fields(bodyOf(spec), false));
        return { status: 200, json: show(task) };
      }
      case "DELETE /tasks/{id}":
        remove(find(m![1], actor, true));
        return { status: 204 };
      case "GET /task":
        return {
          status: 200,
          json: show(find(url.searchParams.get("id"), actor, false, has("queryReadUnchecked"))),
        };
      case "PUT /task": {
        const task = find(url.searchParams.get("id"), actor, false);
        Object.assign(task, fields(bodyOf(spec), true));
        return { status: 200, json: show(task) };
      }
      case "POST /tasks/delete": {
        const body = bodyOf(spec);
        if (Object.keys(body).join() !== "id") throw new HttpError(400, "{id} only");
        remove(find(body.id, actor, false, has("deleteByBodyIdUnchecked")));
        return { status: 204 };
      }
      case "POST /tasks/complete": {
        const body = bodyOf(spec);
        if (Object.keys(body).join() !== "id") throw new HttpError(400, "{id} only");
        const task = find(body.id, actor, false, has("completeUnchecked"));
        task.done = true;
        if (has("completeClearsNotes")) task.notes = "";
        return { status: 200, json: show(task) };
      }
      default:
        throw new HttpError(404, "no such route");
    }
  }

  const sender: ExchangeSender = {
    async send(spec: RequestSpec): Promise<Exchange> {
      let status: number;
      let json: unknown;
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "cache-control": "no-store",
      };
      if ((spec.transport ?? "tls") !== "tls") {
        const exchange: Exchange = {
          seq: ++seq,
          request: {
            method: spec.method,
            url: spec.path,
            transport: spec.transport ?? "tls",
            headers: {},
          },
          error: { code: "ECONNREFUSED", message: "no plaintext listener" },
          durationMs: 0,
        };
        exchanges.push(exchange);
        return exchange;
      }
      try {
        ({ status, json } = route(spec));
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        status = e.status;
        json = { error: e.message };
        if (status === 401) headers["www-authenticate"] = 'Basic realm="tasks"';
      }
      const body =
        spec.json !== undefined ? JSON.stringify(spec.json) : spec.rawBody?.data.toString();
      const exchange: Exchange = {
        seq: ++seq,
        request: {
          method: spec.method,
          url: `${BASE}${spec.path}`,
          transport: "tls",
          headers: spec.auth ? { authorization: spec.auth.label } : {},
          ...(body === undefined ? {} : { body }),
        },
        response: {
          status,
          headers,
          body: json === undefined ? "" : JSON.stringify(json),
          bodyTruncated: false,
        },
        durationMs: 0,
      };
      exchanges.push(exchange);
      return exchange;
    },
  };

  const target: StartedTarget = {
    manifest,
    baseUrl: () => BASE,
    plaintextUrl: () => undefined,
    tlsEndpoint: () => ({ host: "127.0.0.1", port: 9443 }),
    caPem: () => "",
    identities: () => TASK_IDENTITIES,
    containerId: () => undefined,
    isAlive: async () => true,
    logTail: async () => "",
    async reset() {
      seed();
    },
    async stop() {},
    bootMs: 0,
    async [Symbol.asyncDispose]() {},
  };

  return { target, sender, exchanges };
}
