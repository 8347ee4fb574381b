// docs/SPEC.md section 4: the references attached to each family in reports. Declared
// once; requirement modules pick theirs from here (overrides noted in the contract).
import type { Family, References } from "./requirement.ts";

export const FAMILY_REFERENCES: Record<Family, References> = {
  AUTHN: {
    owasp: ["API2:2023 Broken Authentication"],
    cwe: [287, 306],
    asvs4: ["2.x", "3.5.2"],
    asvs5: ["6.x"],
  },
  AUTHZ: {
    owasp: ["API1:2023 Broken Object Level Authorization"],
    cwe: [639, 285, 862, 863],
    asvs4: ["4.2.1", "4.1.3", "13.1.4"],
    asvs5: ["8.2.2", "8.2.1"],
  },
  INPUT: {
    owasp: ["API3:2023 Broken Object Property Level Authorization"],
    cwe: [915, 20],
    asvs4: ["5.1.2", "5.1.3", "13.2.2"],
    asvs5: ["15.3.3", "8.2.3", "2.2.1"],
  },
  TLS: {
    owasp: ["API8:2023 Security Misconfiguration"],
    cwe: [319, 523],
    asvs4: ["9.1.1", "9.1.3", "14.4.5"],
    asvs5: ["12.2.1", "12.1.1", "3.4.1", "4.1.2"],
  },
  CACHE: {
    owasp: ["API8:2023 Security Misconfiguration"],
    cwe: [524, 525],
    asvs4: ["8.2.1", "8.1.1"],
    asvs5: ["14.3.2", "14.2.2"],
  },
  ERR: {
    owasp: ["API8:2023 Security Misconfiguration"],
    cwe: [755, 209],
    asvs4: ["7.4.1"],
    asvs5: ["16.5.1", "16.5.3"],
  },
  MODEL: {
    owasp: [
      "API1:2023 Broken Object Level Authorization",
      "API3:2023 Broken Object Property Level Authorization",
    ],
    cwe: [639, 915],
    asvs4: ["4.2.1"],
    asvs5: ["8.2.2"],
  },
};

/** AUTHN-06 adds CWE-204; AUTHZ-03 and AUTHZ-06 are function-level (API5 BFLA). */
export function referencesFor(family: Family, extra?: Partial<References>): References {
  const base = FAMILY_REFERENCES[family];
  return {
    owasp: [...(extra?.owasp ?? base.owasp)],
    cwe: [...new Set([...base.cwe, ...(extra?.cwe ?? [])])],
    asvs4: [...base.asvs4, ...(extra?.asvs4 ?? [])],
    asvs5: [...base.asvs5, ...(extra?.asvs5 ?? [])],
  };
}

export const BFLA = ["API5:2023 Broken Function Level Authorization"];
