// The requirement catalogue of BAIP/2 (docs/SPEC.md section 3), in contract order.
// Each requirement lives in its own module named by its ID; this list is the only place
// that enumerates them, and it refuses duplicates.
import { requirement as AUTHN_01 } from "./authn/AUTHN-01.valid-credentials-authenticate.ts";
import { requirement as AUTHN_02 } from "./authn/AUTHN-02.no-credentials-challenged.ts";
import { requirement as AUTHN_03 } from "./authn/AUTHN-03.wrong-password-rejected.ts";
import { requirement as AUTHN_04 } from "./authn/AUTHN-04.unknown-users-rejected.ts";
import { requirement as AUTHN_05 } from "./authn/AUTHN-05.malformed-authorization-rejected.ts";
import { requirement as AUTHN_06 } from "./authn/AUTHN-06.unknown-user-and-wrong-password-indistinguishable.ts";
import { requirement as AUTHZ_01 } from "./authz/AUTHZ-01.no-cross-user-reads.ts";
import { requirement as AUTHZ_02 } from "./authz/AUTHZ-02.no-cross-user-writes.ts";
import { requirement as AUTHZ_03 } from "./authz/AUTHZ-03.identity-claims-ignored.ts";
import { requirement as AUTHZ_04 } from "./authz/AUTHZ-04.path-variants-guarded.ts";
import { requirement as AUTHZ_05 } from "./authz/AUTHZ-05.owners-and-admins-allowed.ts";
import { requirement as AUTHZ_06 } from "./authz/AUTHZ-06.no-role-change-by-non-admin.ts";
import { requirement as AUTHZ_07 } from "./authz/AUTHZ-07.lists-show-only-readable-records.ts";
import { requirement as AUTHZ_08 } from "./authz/AUTHZ-08.created-records-owned-by-creator.ts";
import { requirement as CACHE_01 } from "./cache/CACHE-01.authenticated-responses-not-cached.ts";
import { requirement as ERR_01 } from "./err/ERR-01.no-server-errors.ts";
import { requirement as ERR_02 } from "./err/ERR-02.no-stack-traces.ts";
import { requirement as INPUT_01 } from "./input/INPUT-01.unknown-keys-rejected-atomically.ts";
import { requirement as INPUT_02 } from "./input/INPUT-02.non-object-bodies-rejected.ts";
import { requirement as INPUT_03 } from "./input/INPUT-03.invalid-values-rejected.ts";
import { requirement as INPUT_04 } from "./input/INPUT-04.valid-writes-round-trip.ts";
import { requirement as INPUT_05 } from "./input/INPUT-05.non-json-content-type-rejected.ts";
import { requirement as INPUT_06 } from "./input/INPUT-06.oversized-body-rejected.ts";
import { requirement as MODEL_01 } from "./model/MODEL-01.operations-agree-with-model.ts";
import type { Requirement } from "./requirement.ts";
import { requirement as TLS_01 } from "./tls/TLS-01.plaintext-never-serves.ts";
import { requirement as TLS_02 } from "./tls/TLS-02.plaintext-writes-change-nothing.ts";
import { requirement as TLS_03 } from "./tls/TLS-03.plaintext-to-tls-port-fails.ts";
import { requirement as TLS_04 } from "./tls/TLS-04.legacy-tls-refused.ts";
import { requirement as TLS_05 } from "./tls/TLS-05.hsts-on-every-response.ts";
import { requirement as TLS_06 } from "./tls/TLS-06.plaintext-credentials-refused.ts";

function register(requirements: Requirement[]): readonly Requirement[] {
  const seen = new Set<string>();
  for (const r of requirements) {
    if (seen.has(r.meta.id)) throw new Error(`requirement ${r.meta.id} is registered twice`);
    if (!r.check === !r.inspect)
      throw new Error(`requirement ${r.meta.id} needs exactly one of check or inspect`);
    seen.add(r.meta.id);
  }
  return Object.freeze(requirements);
}

export const CATALOGUE = register([
  // biome-ignore format: one family per line
  AUTHN_01,
  AUTHN_02,
  AUTHN_03,
  AUTHN_04,
  AUTHN_05,
  AUTHN_06,
  AUTHZ_01,
  AUTHZ_02,
  AUTHZ_03,
  AUTHZ_04,
  AUTHZ_05,
  AUTHZ_06,
  AUTHZ_07,
  AUTHZ_08,
  INPUT_01,
  INPUT_02,
  INPUT_03,
  INPUT_04,
  INPUT_05,
  INPUT_06,
  TLS_01,
  TLS_02,
  TLS_03,
  TLS_04,
  TLS_05,
  TLS_06,
  CACHE_01,
  ERR_01,
  ERR_02,
  MODEL_01,
]);

export const REQUIREMENT_IDS: readonly string[] = CATALOGUE.map((r) => r.meta.id);

/** Select by --only / --skip; an unknown ID is bad input, not an empty selection. */
export function selectRequirements(
  only?: readonly string[],
  skip?: readonly string[],
): Requirement[] {
  const unknown = [...(only ?? []), ...(skip ?? [])].filter(
    (id) => !REQUIREMENT_IDS.includes(id.toUpperCase()),
  );
  if (unknown.length > 0) {
    throw new SelectionError(
      `unknown requirement ID ${unknown.join(", ")}: run \`conformance list\` for the catalogue`,
    );
  }
  const o = only?.map((s) => s.toUpperCase());
  const s = new Set(skip?.map((x) => x.toUpperCase()));
  const chosen = new Set(
    CATALOGUE.filter(
      (r) => (!o || o.length === 0 || o.includes(r.meta.id)) && !s.has(r.meta.id),
    ).map((r) => r.meta.id),
  );
  // Positive controls always run before what depends on them, whatever was selected or
  // skipped (docs/SPEC.md section 3): without them a pass would be unproven.
  const add = (id: string) => {
    const r = CATALOGUE.find((x) => x.meta.id === id);
    for (const dep of r?.dependsOn ?? []) {
      if (!chosen.has(dep)) {
        chosen.add(dep);
        add(dep);
      }
    }
  };
  for (const id of [...chosen]) add(id);
  return CATALOGUE.filter((r) => chosen.has(r.meta.id));
}

export class SelectionError extends Error {}
