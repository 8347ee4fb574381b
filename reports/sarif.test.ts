import { describe, expect, test } from "vitest";
import { leakyRun, SAMPLE_META, sampleRun } from "./fixtures.ts";
import { golden } from "./goldenFile.ts";
import { formatReproduction } from "./reproduction.ts";
import { manifestUriOf, toSarif } from "./sarif.ts";
import { sarifValidator } from "./schemaValidators.ts";

const validate = sarifValidator();

interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; "security-severity": string };
}
interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}
interface Log {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri?: string; rules: Rule[] } };
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications: { level: string; message: { text: string } }[];
    }[];
    results: Result[];
  }[];
}

function parse(text: string): Log {
  return JSON.parse(text) as Log;
}

describe("toSarif", () => {
  test("matches the golden file", async () => {
    const sarif = toSarif(sampleRun(), { informationUri: "https://example.invalid/baip" });
    expect(sarif).toBe(await golden("conformance.sarif", sarif));
  });

  test.each([
    ["sample", () => toSarif(sampleRun())],
    [
      "hostile",
      () => toSarif(sampleRun({ hostile: true }), { informationUri: "https://example.invalid/x" }),
    ],
    ["leaky", () => toSarif(leakyRun())],
    ["catalogue", () => toSarif(sampleRun(), { catalogue: Object.values(SAMPLE_META) })],
  ])("the %s log validates against the SARIF 2.1.0 schema", (_name, make) => {
    expect(validate(JSON.parse(make()))).toEqual([]);
  });

  test("the schema check has teeth", () => {
    const log = parse(toSarif(sampleRun()));
    (log.runs[0]!.results[0] as unknown as Record<string, unknown>).level = "fatal";
    expect(validate(log)).not.toEqual([]);
  });

  test("one rule per requirement, generated from its metadata", () => {
    const driver = parse(toSarif(sampleRun(), { informationUri: "https://example.invalid/baip" }))
      .runs[0]!.tool.driver;
    expect(driver).toMatchObject({
      name: "baip-conformance",
      version: "0.1.0",
      informationUri: "https://example.invalid/baip",
    });
    expect(driver.rules.map((r) => r.id)).toEqual([
      "AUTHN-06",
      "AUTHZ-01",
      "INPUT-01",
      "TLS-05",
      "TLS-06",
    ]);
    const authz = driver.rules[1]!;
    expect(authz.name).toBe("NonAdminCannotReadAnotherUsersRecord");
    expect(authz.shortDescription.text).toBe(SAMPLE_META["AUTHZ-01"].title);
    expect(authz.fullDescription.text).toBe(SAMPLE_META["AUTHZ-01"].sentence);
    expect(authz.help.text).toContain(`Remediation: ${SAMPLE_META["AUTHZ-01"].remediation}`);
    expect(authz.help.markdown).toContain(
      "[CWE-639](https://cwe.mitre.org/data/definitions/639.html)",
    );
    expect(authz.defaultConfiguration.level).toBe("error");
    expect(authz.properties["security-severity"]).toBe("8.0");
    expect(authz.properties.tags).toEqual(
      expect.arrayContaining([
        "security",
        "CWE-639",
        "external/cwe/cwe-639",
        "CWE-863",
        "OWASP-API1:2023",
        "external/owasp/api1-2023",
      ]),
    );
    const hsts = driver.rules[3]!;
    expect(hsts.defaultConfiguration.level).toBe("warning");
    expect(hsts.properties["security-severity"]).toBe("5.0");
  });

  test("the catalogue option adds rules for requirements the run did not select", () => {
    const rules = parse(toSarif(sampleRun(), { catalogue: Object.values(SAMPLE_META) })).runs[0]!
      .tool.driver.rules;
    expect(rules.map((r) => r.id)).toContain("INPUT-03");
  });

  test("one result per failed requirement per target, located at the target's manifest", () => {
    const run = parse(toSarif(sampleRun())).runs[0]!;
    expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([
      ["AUTHZ-01", "error"],
      ["TLS-05", "warning"],
    ]);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.locations[0]!.physicalLocation.artifactLocation).toEqual({
        uri: "targets/broken-bola/target.yaml",
        uriBaseId: "%SRCROOT%",
      });
      expect(Object.values(r.partialFingerprints)[0]).toMatch(/^[0-9a-f]{32}$/);
    }
    const authz = run.results[0]!;
    const failure = sampleRun().targets[1]!.requirements[1]!.failure!;
    expect(authz.message.text).toContain(formatReproduction(failure));
    expect(authz.properties).toMatchObject({
      target: "broken-bola",
      seed: 1739204611,
      path: "16:0:1",
    });
  });

  test("fingerprints are stable across runs and differ between targets", () => {
    const a = parse(toSarif(sampleRun())).runs[0]!.results;
    const b = parse(toSarif(sampleRun({ hostile: true }))).runs[0]!.results;
    expect(b.find((r) => r.ruleId === "AUTHZ-01")!.partialFingerprints).toEqual(
      a[0]!.partialFingerprints,
    );
    expect(a[0]!.partialFingerprints).not.toEqual(a[1]!.partialFingerprints);
  });

  test("what could not be exercised becomes tool notifications, not results", () => {
    const inv = parse(toSarif(sampleRun())).runs[0]!.invocations[0]!;
    expect(inv.executionSuccessful).toBe(false);
    const n = inv.toolExecutionNotifications.map((x) => [x.level, x.message.text.slice(0, 40)]);
    expect(n).toEqual([
      ["warning", "[broken-bola] INPUT-01 inconclusive: pos"],
      ["note", "[broken-bola] TLS-06 skipped: preconditi"],
      ["error", "Target broken-no-boot (targets/broken-no"],
    ]);
  });
});

describe("manifestUriOf", () => {
  test.each([
    ["targets/broken-x", "targets/broken-x/target.yaml"],
    ["./targets/broken-x/", "targets/broken-x/target.yaml"],
    ["targets/broken-x/target.yaml", "targets/broken-x/target.yaml"],
    ["examples/my target/t.yml", "examples/my%20target/t.yml"],
    ["https://api.example.test:8443", "targets/x/target.yaml"],
    ["registry.local/baip/x:1.2.0", "targets/x/target.yaml"],
    ["/abs/path/x", "file:///abs/path/x/target.yaml"],
  ])("%s -> %s", (source, uri) => {
    expect(manifestUriOf({ name: "x", source })).toBe(uri);
  });
});
