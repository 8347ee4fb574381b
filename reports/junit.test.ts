import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { toJunit } from "./junit.ts";
import { sampleRun } from "./testing/fixtures.ts";
import { golden } from "./testing/goldenFile.ts";
import { SCHEMA_DIR } from "./testing/schemaValidators.ts";

const XMLLINT = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].find((p) => existsSync(p));
const needsXmllint = XMLLINT || process.env.CI ? test : (test.skip.bind(test) as typeof test);
if (!XMLLINT) {
  console.warn(
    "junit.test.ts: xmllint not found; XSD validation skipped (apt-get install -y libxml2-utils)",
  );
}

/** xmllint's verdict on `xml` against `xsd`: "" when valid, else its messages. */
function xsdErrors(xml: string, xsd: string): string {
  const dir = mkdtempSync(join(tmpdir(), "baip-junit-"));
  const file = join(dir, "junit.xml");
  writeFileSync(file, xml, "utf8");
  const r = spawnSync(XMLLINT!, ["--noout", "--schema", join(SCHEMA_DIR, xsd), file], {
    encoding: "utf8",
  });
  return r.status === 0 ? "" : `${r.stderr}${r.stdout}`;
}

/** The text content of every element named `name` (entities decoded by xmllint). */
function xpath(xml: string, expr: string): string {
  const dir = mkdtempSync(join(tmpdir(), "baip-junit-"));
  const file = join(dir, "junit.xml");
  writeFileSync(file, xml, "utf8");
  return execFileSync(XMLLINT!, ["--xpath", expr, file], { encoding: "utf8" });
}

describe("toJunit", () => {
  test("matches the golden file", async () => {
    const xml = toJunit(sampleRun());
    expect(xml).toBe(await golden("junit.xml", xml));
  });

  needsXmllint("validates against junit-10-baip.xsd (junit-10 plus testcase properties)", () => {
    expect(xsdErrors(toJunit(sampleRun()), "junit-10-baip.xsd")).toBe("");
    expect(xsdErrors(toJunit(sampleRun({ hostile: true })), "junit-10-baip.xsd")).toBe("");
  });

  needsXmllint("without testcase properties, validates against the unmodified junit-10.xsd", () => {
    const plain = toJunit(sampleRun({ hostile: true }), { testcaseProperties: false });
    expect(xsdErrors(plain, "junit-10.xsd")).toBe("");
    // ...which the default output, with testcase properties, does not:
    expect(xsdErrors(toJunit(sampleRun()), "junit-10.xsd")).toMatch(/properties/);
  });

  needsXmllint("keeps hostile text intact and visible, never as markup", () => {
    const xml = toJunit(sampleRun({ hostile: true }));
    expect(xml).not.toContain("<script>");
    expect(xml).not.toContain("]]>");
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    const failure = xpath(xml, "string(//testcase[starts-with(@name,'INPUT-03')]/failure)");
    expect(failure).toContain(
      "\\u0000\\u0007\\u001B[31m</failure>]]><script>alert(1)</script>|`x`|\\uD800",
    );
    const crlf = xpath(xml, "string(//testcase[starts-with(@name,'INPUT-03')]/system-out)");
    expect(crlf).toContain("< raw: \\u0000");
    expect(crlf).toContain("\r\n");
    const message = xpath(
      xml,
      "string(//testcase[starts-with(@name,'INPUT-03')]/failure/@message)",
    );
    expect(message).toContain("display_name with control characters was stored: \\u0000\\u0007");
  });

  test("one testsuite per target, one testcase per requirement, named as the contract", () => {
    const xml = toJunit(sampleRun());
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml).toContain(
      '<testcase classname="broken-bola" name="AUTHZ-01 Non-admin cannot read another user&apos;s record"'.replace(
        "&apos;",
        "'",
      ),
    );
    expect(xml).toContain(
      '<testsuite name="broken-bola" tests="6" failures="2" errors="0" skipped="3"',
    );
  });

  test("a requirement with several findings is one failure that holds every finding", () => {
    const xml = toJunit(sampleRun());
    const authz02 =
      /<testcase classname="broken-bola" name="AUTHZ-02[\s\S]*?<\/testcase>/.exec(xml)?.[0] ?? "";
    expect(authz02.match(/<failure /g)).toHaveLength(1);
    expect(authz02).toContain(
      'message="non-admin PATCH changed another user&apos;s record (and 1 more finding)"'.replace(
        "&apos;",
        "'",
      ),
    );
    for (const s of [
      "AUTHZ-02 (MUST) failed: 2 distinct failures",
      "Finding 1 of 2 [PATCH /users/{id}: state changed]",
      "Finding 2 of 2 [PUT /users/{id}: answered success]",
      'Replay (fast-check): { seed: 1739212530, path: "7:0", endOnFailure: true }',
      'Replay (fast-check): { seed: 1739220449, path: "2", endOnFailure: true }',
      "Transcript of finding 2 [PUT /users/{id}: answered success]",
    ]) {
      expect(authz02).toContain(s);
    }
  });

  test("a waived failed MUST is marked, never red; the suite lists its waivers and excluded identities", () => {
    const xml = toJunit(sampleRun());
    const authn02 =
      /<testcase classname="reference-flask" name="AUTHN-02[\s\S]*?<\/testcase>/.exec(xml)?.[0] ??
      "";
    expect(authn02).not.toContain("<failure");
    expect(authn02).toContain(
      '<skipped type="waived" message="WAIVED (found: failed): The health check',
    );
    expect(authn02).toContain('<property name="waiver" value="The health check');
    expect(xml).toContain(
      '<testsuite name="reference-flask" tests="6" failures="0" errors="0" skipped="1"',
    );
    expect(xml).toContain('<property name="verdict-label" value="CONFORMANT with 1 waiver"/>');
    expect(xml).toContain(
      '<property name="waivers" value="AUTHN-02 (found: failed): The health check',
    );
    expect(xml).toContain('<property name="excluded-identities" value="carol-x3 (user): AUTHN-01:');
  });

  test("a failed MUST is a failure with expected, actual, hint and the reproduction", () => {
    const xml = toJunit(sampleRun());
    const failure = /<failure type="MUST"[^>]*>([\s\S]*?)<\/failure>/.exec(xml)?.[1] ?? "";
    for (const s of [
      "Expected: 403 or 404",
      "Actual: GET /users/bob-x2 as alice-x1 answered 200",
      "Hint: Check that the authenticated user owns the record",
      'Counterexample: [{"reader":"alice-x1","victim":"bob-x2","read":"GET /users/{id}"}]',
      'Replay (fast-check): { seed: 1739204611, path: "16:0:1", endOnFailure: true }',
      "Replay (CLI): npx conformance run targets/broken-bola --only AUTHZ-01",
      "Reproduce with curl:",
      "Credentials: from users.json of the run, for alice-x1",
    ]) {
      expect(failure).toContain(s);
    }
  });

  test("a failed SHOULD is a warning: skipped by default, a failure when asked", () => {
    const lenient = toJunit(sampleRun());
    expect(lenient).toContain(
      '<skipped type="SHOULD" message="SHOULD warning: an HTTPS response without Strict-Transport-Security">',
    );
    expect(lenient).not.toContain('<failure type="SHOULD"');
    const strict = toJunit(sampleRun(), { shouldFailures: "failure" });
    expect(strict).toContain(
      '<failure type="SHOULD" message="an HTTPS response without Strict-Transport-Security">',
    );
    expect(strict).toContain(
      '<testsuite name="broken-bola" tests="6" failures="3" errors="0" skipped="2"',
    );
  });

  test("skipped and inconclusive requirements are skipped with their reason; a target that did not boot is an error", () => {
    const xml = toJunit(sampleRun());
    expect(xml).toContain(
      '<skipped type="skipped" message="skipped: precondition plaintext-port: the manifest declares no plaintext listener [precondition]">',
    );
    expect(xml).toMatch(
      /<skipped type="inconclusive" message="inconclusive: positive control INPUT-04 failed/,
    );
    expect(xml).toMatch(
      /<testcase classname="broken-no-boot" name="broken-no-boot boot and readiness"[^>]*>\n\s*<error type="INCONCLUSIVE" message="did not boot: container 3f9c2a7d41b0/,
    );
    expect(xml).toContain(
      '<testsuites name="BAIP/2 conformance (baip-conformance 0.1.0)" tests="13" failures="2" errors="1"',
    );
  });

  test("testcase properties carry level, OWASP, CWE and ASVS references", () => {
    const xml = toJunit(sampleRun());
    const authz =
      /<testcase classname="broken-bola" name="AUTHZ-01[\s\S]*?<\/properties>/.exec(xml)?.[0] ?? "";
    expect(authz).toContain('<property name="level" value="MUST"/>');
    expect(authz).toContain(
      '<property name="owasp" value="API1:2023 Broken Object Level Authorization"/>',
    );
    expect(authz).toContain('<property name="cwe" value="CWE-639, CWE-285, CWE-862, CWE-863"/>');
    expect(authz).toContain('<property name="asvs-4.0.3" value="4.2.1, 4.1.3, 13.1.4"/>');
    expect(authz).toContain('<property name="asvs-5.0.0" value="8.2.2, 8.2.1"/>');
  });
});
