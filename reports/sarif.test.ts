import { describe, expect, test } from "vitest";
import { formatReproduction } from "./reproduction.ts";
import { manifestUriOf, toSarif } from "./sarif.ts";
import { leakyRun, SAMPLE_META, sampleRun } from "./testing/fixtures.ts";
import { golden } from "./testing/goldenFile.ts";
import { sarifValidator } from "./testing/schemaValidators.ts";

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
  suppressions?: { kind: string; status?: string; justification?: string }[];
  properties: Record<string, unknown>;
}
interface Log {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri?: string; rules: Rule[] } };
    invocations: {
      executionSuccessful: boolean;
      exitCode?: number;
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
      "AUTHN-02",
      "AUTHN-06",
      "AUTHZ-01",
      "AUTHZ-02",
      "INPUT-01",
      "TLS-05",
      "TLS-06",
    ]);
    const authz = driver.rules[2]!;
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
    const hsts = driver.rules[5]!;
    expect(hsts.defaultConfiguration.level).toBe("warning");
    expect(hsts.properties["security-severity"]).toBe("5.0");
  });

  test("the catalogue option adds rules for requirements the run did not select", () => {
    const rules = parse(toSarif(sampleRun(), { catalogue: Object.values(SAMPLE_META) })).runs[0]!
      .tool.driver.rules;
    expect(rules.map((r) => r.id)).toContain("INPUT-03");
  });

  test("one result per finding of a failed requirement per target, located at the target's manifest", () => {
    const run = parse(toSarif(sampleRun())).runs[0]!;
    expect(run.results.map((r) => [r.ruleId, r.level, r.properties.finding])).toEqual([
      ["AUTHN-02", "error", "GET /healthz: no challenge"],
      ["AUTHZ-01", "error", "GET /users/{id}: record of another user disclosed"],
      ["AUTHZ-02", "error", "PATCH /users/{id}: state changed"],
      ["AUTHZ-02", "error", "PUT /users/{id}: answered success"],
      ["TLS-05", "warning", "any response: no Strict-Transport-Security"],
    ]);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.locations[0]!.physicalLocation.artifactLocation).toEqual({
        uri: `targets/${r.properties.target}/target.yaml`,
        uriBaseId: "%SRCROOT%",
      });
      expect(Object.values(r.partialFingerprints)[0]).toMatch(/^[0-9a-f]{32}$/);
    }
    const authz = run.results.find((r) => r.ruleId === "AUTHZ-01")!;
    const failure = sampleRun().targets[1]!.requirements[1]!.failures![0]!;
    expect(authz.message.text).toContain(formatReproduction(failure));
    expect(authz.properties).toMatchObject({
      target: "broken-bola",
      seed: 1739204611,
      path: "16:0:1",
    });
  });

  test("fingerprints are stable across runs and differ between findings", () => {
    const a = parse(toSarif(sampleRun())).runs[0]!.results;
    const b = parse(toSarif(sampleRun({ hostile: true }))).runs[0]!.results;
    const authz = (rs: Result[]) => rs.find((r) => r.ruleId === "AUTHZ-01")!;
    expect(authz(b).partialFingerprints).toEqual(authz(a).partialFingerprints);
    const prints = a.map((r) => JSON.stringify(r.partialFingerprints));
    expect(new Set(prints).size).toBe(prints.length);
  });

  test("results of a waived requirement carry an external suppression with its reason", () => {
    const run = parse(toSarif(sampleRun())).runs[0]!;
    const waived = run.results.filter((r) => r.suppressions !== undefined);
    expect(waived.map((r) => [r.properties.target, r.ruleId])).toEqual([
      ["reference-flask", "AUTHN-02"],
    ]);
    expect(waived[0]!.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: expect.stringContaining("GET /healthz answers 200 without credentials"),
      },
    ]);
  });

  test("the invocation carries the CLI's exit code for the run", () => {
    const code = (run: ReturnType<typeof sampleRun>) =>
      parse(toSarif(run)).runs[0]!.invocations[0]!.exitCode;
    expect(code(sampleRun())).toBe(1);
    const conformant = sampleRun();
    conformant.targets = [conformant.targets[0]!];
    expect(code(conformant)).toBe(0);
    expect(code({ ...conformant, targets: [] })).toBe(2);
  });

  test("what could not be exercised becomes tool notifications, not results", () => {
    const inv = parse(toSarif(sampleRun())).runs[0]!.invocations[0]!;
    expect(inv.executionSuccessful).toBe(false);
    const n = inv.toolExecutionNotifications.map((x) => [x.level, x.message.text.slice(0, 40)]);
    expect(n).toEqual([
      ["warning", "[broken-bola] identity left out of the r"],
      ["warning", "[broken-bola] INPUT-01 inconclusive: pos"],
      ["note", "[broken-bola] TLS-06 skipped: preconditi"],
      ["error", "Target broken-no-boot (targets/broken-no"],
    ]);
    expect(inv.toolExecutionNotifications[1]!.message.text).toMatch(/\[positive-control\]$/);
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
