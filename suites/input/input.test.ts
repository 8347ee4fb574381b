import { describe, expect, it } from "vitest";
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import { manifestSchema } from "../../harness/manifest/schema.ts";
import type { StartedTarget } from "../../harness/target/startedTarget.ts";
import type { Requirement } from "../requirement.ts";
import type { RequirementResult } from "../result.ts";
import type { ExchangeSender } from "../runner/recorder.ts";
import { runTarget } from "../runner/runTarget.ts";
import { createFakeTarget, type FakeDefect } from "../testing/fakeTarget.ts";
import { requirement as INPUT_01 } from "./INPUT-01.unknown-keys-rejected-atomically.ts";
import { requirement as INPUT_02 } from "./INPUT-02.non-object-bodies-rejected.ts";
import { requirement as INPUT_03 } from "./INPUT-03.invalid-values-rejected.ts";
import { requirement as INPUT_04 } from "./INPUT-04.valid-writes-round-trip.ts";
import { requirement as INPUT_05 } from "./INPUT-05.non-json-content-type-rejected.ts";
import { requirement as INPUT_06 } from "./INPUT-06.oversized-body-rejected.ts";

const INPUT: Requirement[] = [INPUT_01, INPUT_02, INPUT_03, INPUT_04, INPUT_05, INPUT_06];
const IDS = INPUT.map((r) => r.meta.id);

async function run(defects: FakeDefect[], seed = 20240611, numRuns = 40) {
  const fake = createFakeTarget({ defects });
  const outcome = await runTarget(fake.target, fake.sender, INPUT, { numRuns, seed });
  const byId = new Map(outcome.requirements.map((r) => [r.id, r]));
  return { fake, byId, outcome };
}

/** Every finding in one line each; or why it did not fail. */
function text(r: RequirementResult | undefined): string {
  const fs = r?.failures ?? [];
  return fs.length > 0
    ? fs.map((f) => `${f.title} | expected ${f.expected} | actual ${f.actual}`).join("\n")
    : `${r?.status}: ${r?.reason ?? ""}`;
}

describe("INPUT requirements against the in-process fake", () => {
  it("all pass on the compliant fake, with generated cases and read-backs", async () => {
    const { byId, fake } = await run([]);
    for (const id of IDS)
      expect(byId.get(id)?.status, `${id}: ${text(byId.get(id))}`).toBe("passed");
    for (const id of IDS) expect(byId.get(id)!.numRuns).toBeGreaterThan(0);
    // Integrity by read-back: the owner's GETs outnumber the writes.
    const reads = fake.exchanges.filter((e) => e.request.method === "GET").length;
    const writes = fake.exchanges.length - reads;
    expect(reads).toBeGreaterThan(writes);
  });

  it("has the metadata the catalogue and reports need", () => {
    for (const r of INPUT) {
      expect(r.meta.family).toBe("INPUT");
      expect(r.meta.level).toBe(["INPUT-05", "INPUT-06"].includes(r.meta.id) ? "SHOULD" : "MUST");
      expect(r.meta.references.cwe).toContain(915);
      expect(r.meta.remediation.length).toBeGreaterThan(10);
    }
    expect(INPUT_04.dependsOn).toEqual(["AUTHZ-05"]);
    for (const r of [INPUT_01, INPUT_02, INPUT_03, INPUT_05, INPUT_06])
      expect(r.dependsOn).toEqual(["INPUT-04"]);
  });

  // Each planted defect fails the INPUT requirements listed here (run on their own, with
  // INPUT-04 as their positive control), for the right reason; the others still pass,
  // or are inconclusive when INPUT-04 failed.
  const cases: [FakeDefect, string[], RegExp][] = [
    ["massAssignment", ["INPUT-01"], /state changed.*unknown key/s],
    ["ignoresUnknownKeys", ["INPUT-01"], /state changed.*unknown key/s],
    ["nonAtomic", ["INPUT-01", "INPUT-03"], /state changed/],
    ["acceptsInvalidEmail", ["INPUT-03"], /email=/],
    ["acceptsInvalidDisplayName", ["INPUT-03"], /display_name=/],
    ["coercesWrongTypes", ["INPUT-03"], /display_name=/],
    ["fivehundredOnArray", ["INPUT-02"], /-> 500/],
    ["ignoresContentType", ["INPUT-05"], /Content-Type/],
    ["noBodyLimit", ["INPUT-06"], /-byte body/],
    ["serverErrorOnOversized", ["INPUT-06"], /-> 500/],
    ["lowercasesEmail", ["INPUT-04"], /read-back differs.*email=/s],
    ["normalizesDisplayName", ["INPUT-04"], /read-back differs.*display_name=.*U\+/s],
    ["patchClearsOtherField", ["INPUT-04"], /not sent, so unchanged/],
    ["putAcceptsPartial", ["INPUT-04"], /PUT .*with (only|no field)/],
    ["writesRefused", ["INPUT-04"], /valid body was not accepted/],
    ["refusesEverything", ["INPUT-04"], /could not read back|not accepted/],
  ];
  it.each(cases)("%s fails %j for the right reason", async (defect, ids, reason) => {
    const { byId } = await run([defect]);
    for (const id of ids) {
      const failed = byId.get(id)!;
      expect(failed.status, text(failed)).toBe("failed");
      expect(text(failed)).toMatch(reason);
      for (const f of failed.failures!) {
        expect(f.reproduction.counterexample).toBeTruthy();
        expect(f.transcript.length).toBeGreaterThan(0);
      }
    }
    for (const other of IDS.filter((id) => !ids.includes(id))) {
      const r = byId.get(other)!;
      expect(r.status, `${other}: ${text(r)}`).toBe(
        ids.includes("INPUT-04") ? "inconclusive" : "passed",
      );
    }
  });

  it("sends __proto__ as a real key of the JSON text", async () => {
    const { fake } = await run([], 7, 60);
    const bodies = fake.exchanges.map((e) => e.request.body ?? "");
    expect(bodies.some((b) => b.includes('"__proto__":'))).toBe(true);
  });

  it("never sends a password in a recorded request", async () => {
    const { fake } = await run([]);
    const passwords = fake.target.identities().map((i) => i.password);
    const recorded = JSON.stringify(fake.exchanges.map((e) => e.request));
    for (const p of passwords) expect(recorded).not.toContain(p);
  });

  it("is reproducible: the same seed gives the same failure", async () => {
    const a = await run(["nonAtomic"], 99);
    const b = await run(["nonAtomic"], 99);
    const reproductions = (r: typeof a) =>
      r.byId.get("INPUT-01")!.failures!.map((f) => [f.key, f.reproduction]);
    expect(reproductions(a)).toEqual(reproductions(b));
  });
});

// -- Every operation that takes a body (docs/SPEC.md 1b) -----------------------------
// A small in-process notes service: identities sign up through the API, notes are
// created with server ids, replaced by id in the path and merged with the id in the body.
// Its planted defects are the BAIP/2 ways to fail INPUT-01/02/05: a sign-up or a create
// that takes a key it should refuse, and creates that parse what they should not.

type NotesDefect =
  | "signUpAcceptsRole"
  | "signUpCreatesThenRefuses"
  | "createTakesOwner"
  | "createAcceptsForm"
  | "createServerErrorOnArray"
  | "bodyIdMergeIgnoresUnknown";

const NOTES_IDENTITIES: Identity[] = ["ann-1", "ben-2", "cat-3"].map((username) => ({
  username,
  password: `pw of ${username}: ü`,
  role: "user",
  email: `${username}@example.org`,
  display_name: username,
  passwordSource: `notes fake (${username})`,
}));

const NOTES_MANIFEST = manifestSchema.parse({
  profile: "BAIP/2",
  name: "notes-fake",
  boot: { url: "https://127.0.0.1:8443" },
  identities: {
    signUp: {
      path: "/signup",
      body: { username: "{username}", password: "{password}", email: "{email}" },
    },
  },
  privilegedRoles: [],
  resources: [
    {
      name: "note",
      create: { method: "POST", path: "/notes", id: { pointer: "/id" } },
      idField: "id",
      ownerField: "owner",
      reads: [{ method: "GET", path: "/notes/{id}", who: "owner" }],
      lists: [{ method: "GET", path: "/notes", who: "authenticated", items: "/notes" }],
      replace: { method: "PUT", path: "/notes/{id}", who: "owner" },
      merge: { method: "PATCH", path: "/notes", who: "owner", id: { in: "body", key: "id" } },
      deletes: [{ method: "DELETE", path: "/notes/{id}", who: "owner" }],
      writable: { text: { kind: "string", min: 1, max: 50 } },
      readOnly: { id: "id", owner: "owner" },
    },
  ],
});

class Refused extends Error {
  constructor(readonly status: number) {
    super(String(status));
  }
}

function createNotesFake(defects: NotesDefect[] = []) {
  const has = (d: NotesDefect) => defects.includes(d);
  const accounts = new Map<string, string>();
  const notes = new Map<number, { id: number; owner: string; text: string }>();
  let nextId = 1;
  const exchanges: Exchange[] = [];

  const objectOf = (body: Buffer, contentType: string | undefined, lenient = false): unknown => {
    if (body.length > 64 * 1024) throw new Refused(413);
    if (!lenient && contentType?.split(";")[0] !== "application/json") throw new Refused(415);
    try {
      return JSON.parse(body.toString("utf8"));
    } catch {
      if (lenient) return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
      throw new Refused(400);
    }
  };
  const fields = (value: unknown, allowed: string[], required: string[]) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Refused(400);
    const body = value as Record<string, unknown>;
    if (Object.keys(body).some((k) => !allowed.includes(k))) throw new Refused(400);
    if (required.some((k) => !Object.hasOwn(body, k))) throw new Refused(400);
    if ("text" in body && !(typeof body.text === "string" && /^.{1,50}$/u.test(body.text)))
      throw new Refused(400);
    return body;
  };

  function handle(spec: RequestSpec): { status: number; body?: unknown } {
    const url = new URL(spec.path, "https://fake");
    const body = Buffer.from(
      spec.json !== undefined ? JSON.stringify(spec.json) : (spec.rawBody?.data ?? ""),
    );
    const contentType = spec.json !== undefined ? "application/json" : spec.rawBody?.contentType;
    if (spec.method === "POST" && url.pathname === "/signup") {
      const value = objectOf(body, contentType) as Record<string, unknown>;
      const extra =
        value && typeof value === "object"
          ? Object.keys(value).filter((k) => !["username", "password", "email"].includes(k))
          : [];
      if (has("signUpAcceptsRole") && extra.length === 1 && extra[0] === "role") delete value.role;
      if (has("signUpCreatesThenRefuses") && typeof value?.username === "string")
        accounts.set(value.username, String(value.password));
      const account = fields(
        value,
        ["username", "password", "email"],
        ["username", "password", "email"],
      );
      if (accounts.has(account.username as string) && !has("signUpCreatesThenRefuses"))
        throw new Refused(409);
      accounts.set(account.username as string, account.password as string);
      return { status: 201, body: { username: account.username } };
    }
    const user =
      spec.auth && accounts.get(spec.auth.username) === spec.auth.password
        ? spec.auth.username
        : undefined;
    if (user === undefined) throw new Refused(401);
    const own = (id: unknown) => {
      const note = notes.get(Number(id));
      if (note === undefined || note.owner !== user) throw new Refused(404);
      return note;
    };
    const idInPath = /^\/notes\/(\d+)$/.exec(url.pathname)?.[1];
    if (spec.method === "GET" && url.pathname === "/notes")
      return { status: 200, body: { notes: [...notes.values()].filter((n) => n.owner === user) } };
    if (spec.method === "POST" && url.pathname === "/notes") {
      const value = objectOf(body, contentType, has("createAcceptsForm"));
      if (has("createServerErrorOnArray") && Array.isArray(value)) throw new Refused(500);
      let owner = user;
      if (has("createTakesOwner") && value && typeof value === "object" && "user_id" in value) {
        const named = (value as Record<string, unknown>).user_id;
        if (typeof named === "string" && accounts.has(named)) owner = named;
        delete (value as Record<string, unknown>).user_id;
      }
      const { text } = fields(value, ["text"], ["text"]);
      const note = { id: nextId++, owner, text: text as string };
      notes.set(note.id, note);
      return { status: 201, body: note };
    }
    if (spec.method === "GET" && idInPath) return { status: 200, body: own(idInPath) };
    if (spec.method === "PUT" && idInPath) {
      const note = own(idInPath);
      note.text = fields(objectOf(body, contentType), ["text"], ["text"]).text as string;
      return { status: 200, body: note };
    }
    if (spec.method === "DELETE" && idInPath) {
      notes.delete(own(idInPath).id);
      return { status: 204 };
    }
    if (spec.method === "PATCH" && url.pathname === "/notes") {
      const value = objectOf(body, contentType) as Record<string, unknown>;
      if (has("bodyIdMergeIgnoresUnknown") && value && typeof value === "object")
        for (const k of Object.keys(value)) if (!["id", "text"].includes(k)) delete value[k];
      const { id, text } = fields(value, ["id", "text"], ["id"]);
      const note = own(id);
      if (text !== undefined) note.text = text as string;
      return { status: 200, body: note };
    }
    throw new Refused(404);
  }

  const sender: ExchangeSender = {
    async send(spec) {
      let result: { status: number; body?: unknown };
      try {
        result = handle(spec);
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        result = { status: error.status, body: { error: error.status } };
      }
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "cache-control": "no-store",
        "strict-transport-security": "max-age=31536000",
      };
      if (result.status === 401) headers["www-authenticate"] = 'Basic realm="notes"';
      const sent = spec.json !== undefined ? JSON.stringify(spec.json) : spec.rawBody?.data;
      const exchange: Exchange = {
        seq: exchanges.length + 1,
        request: {
          method: spec.method,
          url: `https://127.0.0.1:8443${spec.path}`,
          transport: "tls",
          headers: spec.auth ? { authorization: spec.auth.label } : {},
          ...(sent === undefined ? {} : { body: String(sent).slice(0, 4096) }),
        },
        response: {
          status: result.status,
          headers,
          body: result.body === undefined ? "" : JSON.stringify(result.body),
          bodyTruncated: false,
        },
        durationMs: 0,
      };
      exchanges.push(exchange);
      return exchange;
    },
  };
  const target: StartedTarget = {
    manifest: NOTES_MANIFEST,
    baseUrl: () => "https://127.0.0.1:8443",
    plaintextUrl: () => undefined,
    tlsEndpoint: () => ({ host: "127.0.0.1", port: 8443 }),
    caPem: () => "",
    identities: () => NOTES_IDENTITIES,
    containerId: () => undefined,
    isAlive: async () => true,
    logTail: async () => "",
    async reset() {
      throw new Error("the notes fake is never reset: the API can restore every change");
    },
    async stop() {},
    bootMs: 0,
    async [Symbol.asyncDispose]() {},
  };
  return { target, sender, exchanges };
}

describe("INPUT requirements over creates, a body id and the sign-up", () => {
  const BODY_IDS = ["INPUT-01", "INPUT-02", "INPUT-05", "INPUT-06"];
  async function runNotes(defects: NotesDefect[], seed = 1234) {
    const fake = createNotesFake(defects);
    const outcome = await runTarget(fake.target, fake.sender, INPUT, { numRuns: 25, seed });
    return { fake, byId: new Map(outcome.requirements.map((r) => [r.id, r])) };
  }

  it("all pass on the compliant notes fake, sending bodies through every operation", async () => {
    const { byId, fake } = await runNotes([]);
    for (const id of [...BODY_IDS, "INPUT-04"])
      expect(byId.get(id)?.status, `${id}: ${text(byId.get(id))}`).toBe("passed");
    const sent = (id: string, method: string, path: string) =>
      fake.exchanges.filter(
        (e) =>
          e.requirement === id &&
          e.request.method === method &&
          new URL(e.request.url).pathname === path,
      );
    for (const id of ["INPUT-01", "INPUT-02", "INPUT-05"])
      expect(sent(id, "POST", "/notes").length, id).toBeGreaterThan(0);
    // The merge carries the record id in its body, so a non-object body (INPUT-02) cannot.
    // (INPUT-06 sends only 5 heavy bodies: which operations it meets is left to chance.)
    for (const id of ["INPUT-01", "INPUT-05"])
      expect(sent(id, "PATCH", "/notes").length, id).toBeGreaterThan(0);
    expect(sent("INPUT-02", "PATCH", "/notes")).toEqual([]);
    expect(
      sent("INPUT-01", "PATCH", "/notes").every((e) => /"id":\d+/.test(e.request.body ?? "")),
    ).toBe(true);
    const signUps = sent("INPUT-01", "POST", "/signup");
    expect(signUps.some((e) => e.request.body?.includes('"role":'))).toBe(true);
  });

  const cases: [NotesDefect, string, RegExp][] = [
    ["signUpAcceptsRole", "POST /signup: answered 2xx", /signing up .* with unknown key "role"/],
    [
      "signUpCreatesThenRefuses",
      "POST /signup: state changed",
      /refused sign-up created the account/,
    ],
    ["createTakesOwner", "POST /notes: answered 2xx", /creating a note with unknown key "user_id"/],
    [
      "bodyIdMergeIgnoresUnknown",
      "PATCH /notes: answered 2xx",
      /PATCH on its own note with unknown key/,
    ],
    [
      "createServerErrorOnArray",
      "POST /notes: answered 5xx",
      /POST \/notes creating a note with the body/,
    ],
    ["createAcceptsForm", "POST /notes: answered 2xx", /creating a note with a valid body as/],
  ];
  it.each(cases)("%s fails with the finding %j", async (defect, key, title) => {
    const { byId } = await runNotes([defect]);
    const findings = [...byId.values()].flatMap((r) =>
      (r.failures ?? []).map((f) => ({ id: r.id, ...f })),
    );
    const finding = findings.find((f) => f.key === key);
    expect(finding, findings.map((f) => `${f.id} ${f.key}: ${f.title}`).join("\n")).toBeDefined();
    expect(finding!.title).toMatch(title);
  });
});
