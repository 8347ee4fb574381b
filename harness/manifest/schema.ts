// The target manifest (`target.yaml`), docs/SPEC.md section 2: how a target boots, who
// its identities are, and how the contract's resource model maps onto its API.
// The API mapping is a list of owned resources so that services whose records are
// tasks, posts or orders can be described without new properties; the contract's user
// record is the first instance (see `defaultUserResource`).
import { z } from "zod";

export const USERNAME_PATTERN = /^[a-z][a-z0-9_-]{2,31}$/;
// RFC 7617 allows any non-control characters; the contract adds "non-empty".
const PASSWORD_PATTERN = /^[^\p{Cc}]+$/u;

const requirementId = z
  .string()
  .regex(/^(AUTHN|AUTHZ|INPUT|TLS|CACHE|ERR|MODEL)-\d{2}$/, "a requirement ID such as AUTHZ-01");

const port = z.number().int().min(1).max(65535);

/** Identity listed by hand (URL targets). The password itself or the env var holding it. */
const listedIdentity = z
  .object({
    username: z.string().regex(USERNAME_PATTERN, "a user name matching ^[a-z][a-z0-9_-]{2,31}$"),
    password: z
      .string()
      .regex(PASSWORD_PATTERN, "a non-empty password without control characters")
      .optional(),
    passwordEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name")
      .optional(),
    role: z.string().min(1),
    email: z.string().optional(),
    display_name: z.string().optional(),
  })
  .strict()
  .refine((i) => (i.password === undefined) !== (i.passwordEnv === undefined), {
    message: "exactly one of `password` or `passwordEnv`",
  });

const identities = z.union([
  z
    .object({
      generate: z
        .object({
          users: z.number().int().min(2).max(16).default(3),
          admins: z.number().int().min(1).max(8).default(1),
        })
        .strict(),
    })
    .strict(),
  z.object({ list: z.array(listedIdentity).min(3) }).strict(),
]);

const httpMethod = z.enum(["GET", "PUT", "PATCH", "POST", "DELETE"]);

/** A path template: `{id}` is replaced by the (percent-encoded) record id. */
const pathTemplate = z
  .string()
  .startsWith("/", "a path starting with /")
  .refine((p) => p.includes("{id}"), "a path containing the placeholder {id}");

const endpoint = z.object({ method: httpMethod, path: pathTemplate }).strict();

/** Who may perform an operation on a record: its owner, or its owner and privileged roles. */
const audience = z.enum(["owner", "owner-or-privileged"]);

const fieldKind = z.enum(["email", "display_name"]);

const resource = z
  .object({
    name: z.string().min(1),
    /** `seeded`: one record per identity, created by the target from users.json. */
    create: z.literal("seeded").default("seeded"),
    /** Field whose value identifies a record in paths (`{id}`). */
    idField: z.string().min(1).default("username"),
    /** Field naming the identity that owns the record. */
    ownerField: z.string().min(1).default("username"),
    /** Read-only field holding the owner's role (AUTHZ-06 reads it back). */
    roleField: z.string().min(1).optional(),
    reads: z
      .array(endpoint.extend({ who: audience }).strict())
      .min(1, "at least one read endpoint (the harness reads state back through it)"),
    /** Read used to snapshot state; must be readable by the owner. Index into `reads`. */
    snapshotRead: z.number().int().min(0).default(0),
    replace: endpoint
      .extend({ who: audience.default("owner-or-privileged") })
      .strict()
      .optional(),
    merge: endpoint
      .extend({ who: audience.default("owner-or-privileged") })
      .strict()
      .optional(),
    /** Contract field name -> { name in the target's JSON, value rules }. */
    writable: z.record(
      z.string(),
      z.object({ as: z.string().optional(), kind: fieldKind }).strict(),
    ),
    /** Contract field name -> name in the target's JSON. */
    readOnly: z.record(z.string(), z.string()).default({}),
  })
  .strict();

const boot = z.union([
  z
    .object({
      /** The Dockerfile, or the folder holding it, relative to the manifest. */
      dockerfile: z.string().min(1),
      /**
       * Build context relative to the manifest (default: the Dockerfile's folder). The
       * corpus uses `..` so that broken targets copy the reference instead of forking it.
       */
      context: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      image: z
        .string()
        .min(1)
        .refine(
          (s) => !s.endsWith(":latest") && s.includes(":"),
          "an image with a pinned tag (not :latest)",
        ),
    })
    .strict(),
  z.object({ url: z.string().url().startsWith("https://", "an https:// URL") }).strict(),
]);

export const manifestSchema = z
  .object({
    /** BAIP/1 manifests mean the same under BAIP/2 (the section 1 resource). */
    profile: z.enum(["BAIP/1", "BAIP/2"]).default("BAIP/2"),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a lower-case name of letters, digits and -"),
    description: z.string().optional(),
    boot,
    /** Container TLS port (always 8443 for container targets, per docs/SPEC.md 2). */
    tlsPort: port.default(8443),
    /** Plaintext listener: a container port, or a URL for URL targets. Absent: none. */
    plaintext: z
      .union([
        z.object({ port }).strict(),
        z.object({ url: z.string().url().startsWith("http://") }).strict(),
      ])
      .optional(),
    identities: identities.default({ generate: { users: 3, admins: 1 } }),
    privilegedRoles: z.array(z.string().min(1)).min(1).default(["admin"]),
    resources: z.array(resource).min(1),
    /**
     * For the bundled corpus: the verdicts this target is built to produce, so the
     * meta-test can diff them. `fails`: MUST or SHOULD IDs it must fail.
     */
    expect: z
      .object({
        fails: z.array(requirementId).default([]),
        defect: z.string().optional(),
        /**
         * IDs it may also fail, by chance of the generated cases, and rightly so (MODEL-01
         * meeting an invalid e-mail a loose check lets through): never a false alarm, never
         * required. Each needs a reason in a comment beside it.
         */
        mayFail: z.array(requirementId).optional(),
        /** Requirement ID -> the least number of distinct failures it must report. */
        findings: z.record(requirementId, z.number().int().min(1)).optional(),
      })
      .strict()
      .optional(),
    /**
     * Requirements waived for this target, each with a written reason an auditor reads
     * next to the verdict (a deliberate 403 instead of 401, say). A waived requirement
     * still runs and reports what it found; it does not make the target NON-CONFORMANT.
     */
    waivers: z
      .array(
        z
          .object({
            id: requirementId,
            reason: z.string().min(10, "a written reason of at least 10 characters"),
          })
          .strict(),
      )
      .default([])
      .refine((w) => new Set(w.map((x) => x.id)).size === w.length, "each ID waived once"),
    /** Per-request timeout and whole-run bound, in milliseconds. */
    limits: z
      .object({
        requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
        bootTimeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
      })
      .strict()
      .default({ requestTimeoutMs: 10_000, bootTimeoutMs: 60_000 }),
  })
  .strict();

export type TargetManifest = z.infer<typeof manifestSchema>;
export type ResourceSpec = TargetManifest["resources"][number];
export type ListedIdentity = z.infer<typeof listedIdentity>;
