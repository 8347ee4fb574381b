// The audience rules of the AUTHZ checks on a stub run: which operations an identity
// must be let through (AUTHZ-05), and which values an answer to it must not hold
// (AUTHZ-01, AUTHZ-07), coincidences between records included.
import { describe, expect, it } from "vitest";
import type { RecordedRequest } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import { parseManifest } from "../../harness/manifest/load.ts";
import type { RecordState, SuiteContext } from "../context.ts";
import { grantedOperations, mayRead } from "./pairs.ts";
import type { OwnedRecord } from "./resourceApi.ts";
import { hiddenValues } from "./secrets.ts";

const MANIFEST = `
profile: BAIP/2
name: stub
boot: { url: "https://127.0.0.1:1" }
identities:
  list:
    - { username: alice, password: a, role: user }
    - { username: bobby, password: b, role: user }
    - { username: edith, password: e, role: editor }
privilegedRoles: [editor]
resources:
  - name: post
    create: { method: POST, path: /posts, id: { pointer: /id } }
    idField: id
    ownerField: author
    reads:
      - { method: GET, path: "/posts/{id}", who: authenticated }
    merge: { method: PATCH, path: "/posts/{id}", who: owner-or-privileged }
    deletes:
      - { method: DELETE, path: "/posts/{id}", who: owner }
    writable:
      title: { kind: string }
      status: { kind: enum, values: [draft, published] }
      notes: { kind: text }
    readOnly: { id: id, author: author }
    private: [notes]
  - name: task
    create: { method: POST, path: /tasks, id: { pointer: /id } }
    idField: id
    reads:
      - { method: GET, path: "/tasks/{id}", who: owner }
      - { method: GET, path: /me/task, who: owner, self: true }
    writable:
      title: { kind: string }
    readOnly: { id: id }
`;

const manifest = parseManifest(MANIFEST);
const [post, task] = manifest.resources as [
  (typeof manifest.resources)[0],
  (typeof manifest.resources)[0],
];
const who = (username: string, role = "user"): Identity => ({
  username,
  password: "p",
  role,
  email: `${username}@example.org`,
  display_name: username,
  passwordSource: "test",
});
const alice = who("alice");
const bobby = who("bobby");
const edith = who("edith", "editor");

function run(records: Array<[OwnedRecord, RecordState]>): SuiteContext {
  const baseline = new Map(records.map(([r, s]) => [r.key, s]));
  return {
    target: { manifest },
    resources: manifest.resources,
    records: records.map(([r]) => r),
    identities: { all: [alice, bobby, edith], unprivileged: [alice, bobby], privileged: [edith] },
    baselineOf: (r: OwnedRecord) => baseline.get(r.key),
  } as unknown as SuiteContext;
}
const record = (resource: typeof post, id: string, owner: Identity): OwnedRecord => ({
  resource,
  id,
  owner,
  key: `${resource.name}#${id}`,
});

describe("hiddenValues", () => {
  const alicePost = record(post, "1", alice);
  const bobbyPost = record(post, "2", bobby);
  const bobbyTask = record(task, "3", bobby);
  const aliceTask = record(task, "4", alice);
  const ctx = run([
    [
      alicePost,
      { id: 1, author: "alice", title: "alpha post", status: "draft", notes: "alice private" },
    ],
    [
      bobbyPost,
      { id: 2, author: "bobby", title: "bravo post", status: "draft", notes: "bobby private" },
    ],
    [bobbyTask, { id: 3, title: "bobby task title" }],
    [aliceTask, { id: 4, title: "alpha post" }],
  ]);

  it("hides others' private fields of readable records, and whole records it may not read", () => {
    expect(hiddenValues(ctx, alice, [bobbyPost, bobbyTask])).toEqual([
      "bobby private",
      "bobby task title",
    ]);
  });

  it("hides nothing of its own records", () => {
    expect(hiddenValues(ctx, alice, [alicePost, aliceTask])).toEqual([]);
  });

  it("privileged identities see private fields, but not records whose reads leave them out", () => {
    expect(hiddenValues(ctx, edith, [alicePost, bobbyPost, bobbyTask])).toEqual([
      "bobby task title",
    ]);
  });

  it("leaves out a value the caller may see elsewhere (two records sharing a word by chance)", () => {
    // bobby may not read alice's task, but its title is also alice's public post title.
    expect(hiddenValues(ctx, bobby, [aliceTask])).toEqual([]);
  });

  it("leaves out a value that is a field name (it is in every record's JSON)", () => {
    const named = record(post, "5", bobby);
    const c = run([
      [named, { id: 5, author: "bobby", title: "t", status: "draft", notes: "title" }],
    ]);
    expect(hiddenValues(c, alice, [named])).toEqual([]);
  });
});

describe("the audience rules of the positive control", () => {
  const bobbyPost = record(post, "2", bobby);
  const bobbyTask = record(task, "3", bobby);
  const ctx = run([]);
  const labels = (ops: { label: string }[]) => ops.map((o) => o.label);

  it("an owner is let through every operation of its record, self reads included", () => {
    expect(labels(grantedOperations(ctx, { actor: bobby, record: bobbyTask }, ["read"]))).toEqual([
      "read #0",
      "read #1",
    ]);
    expect(
      labels(grantedOperations(ctx, { actor: bobby, record: bobbyPost }, ["merge", "delete"])),
    ).toEqual(["merge", "delete #0"]);
  });

  it("a privileged identity is let through what names privileged roles, on others' records", () => {
    expect(
      labels(
        grantedOperations(ctx, { actor: edith, record: bobbyPost }, ["read", "merge", "delete"]),
      ),
    ).toEqual(["merge"]);
  });

  it("a non-privileged identity is let through nothing on another's record", () => {
    expect(grantedOperations(ctx, { actor: alice, record: bobbyPost }, ["read", "merge"])).toEqual(
      [],
    );
  });

  it("who may read whose record", () => {
    expect(mayRead(ctx, alice, bobbyPost)).toBe(true);
    expect(mayRead(ctx, alice, bobbyTask)).toBe(false);
    expect(mayRead(ctx, edith, bobbyTask)).toBe(false);
    expect(mayRead(ctx, bobby, bobbyTask)).toBe(true);
  });
});

describe("hiddenValues and the request", () => {
  it("leaves out a value the request carried (a refusal may echo a filter)", () => {
    const bobbyTask = record(task, "3", bobby);
    const ctx = run([[bobbyTask, { id: 3, title: "bobby task title" }]]);
    const sent = {
      method: "GET",
      url: "https://127.0.0.1:1/tasks?filter=bobby%20task%20title",
      headers: {},
      transport: "tls",
    } as unknown as RecordedRequest;
    expect(hiddenValues(ctx, alice, [bobbyTask], sent)).toEqual([]);
    expect(hiddenValues(ctx, alice, [bobbyTask])).toEqual(["bobby task title"]);
  });
});
