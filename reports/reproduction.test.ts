import { describe, expect, test } from "vitest";
import type { Exchange } from "../harness/http/exchange.ts";
import type { Finding } from "../suites/result.ts";
import { toHtml } from "./html.ts";
import { toJunit } from "./junit.ts";
import { toMarkdown } from "./markdown.ts";
import {
  credentialsLine,
  describeCredentialLabel,
  formatExchange,
  formatReproduction,
  seedPathLine,
} from "./reproduction.ts";
import { toSarif } from "./sarif.ts";
import { sampleRun } from "./testing/fixtures.ts";
import { escapeHtml, escapeXmlText } from "./text.ts";

function failureOf(id: string, hostile = false): Finding {
  const r = sampleRun({ hostile }).targets[1]!.requirements.find((x) => x.id === id)!;
  return r.failures![0]!;
}

describe("seedPathLine", () => {
  test("prints fast-check's replay parameters", () => {
    expect(seedPathLine({ seed: 42, path: "3:1:0" })).toBe(
      '{ seed: 42, path: "3:1:0", endOnFailure: true }',
    );
    expect(seedPathLine({ seed: -7 })).toBe("{ seed: -7, endOnFailure: true }");
    expect(seedPathLine({ seed: 1, path: 'a"b' })).toBe(
      '{ seed: 1, path: "a\\"b", endOnFailure: true }',
    );
  });
});

describe("formatReproduction", () => {
  test("counterexample, seed and path, replay command, curl lines, credentials", () => {
    expect(formatReproduction(failureOf("AUTHZ-01"))).toBe(
      [
        'Counterexample: [{"reader":"alice-x1","victim":"bob-x2","read":"GET /users/{id}"}]',
        'Replay (fast-check): { seed: 1739204611, path: "16:0:1", endOnFailure: true }',
        "Replay (CLI): npx conformance run targets/broken-bola --only AUTHZ-01 --seed 1739204611 --runs 100 --path 16:0:1",
        "Reproduce with curl:",
        `  curl --http1.1 --path-as-is -g --max-redirs 0 --cacert "$BAIP_CA" -u "$BAIP_USER_ALICE_X1:$BAIP_PASS_ALICE_X1" -H Accept: -H User-Agent: -H 'accept: application/json' 'https://127.0.0.1:32771/users/bob-x2'`,
        `  curl --http1.1 --path-as-is -g --max-redirs 0 --cacert "$BAIP_CA" -u "$BAIP_USER_ALICE_X1:$BAIP_PASS_ALICE_X1" -H Accept: -H User-Agent: -H 'accept: application/json' 'https://127.0.0.1:32771/profile?username=bob-x2'`,
        "Credentials: from users.json of the run, for alice-x1 (set BAIP_USER_ALICE_X1 and BAIP_PASS_ALICE_X1)",
      ].join("\n"),
    );
  });

  test("multi-line counterexamples are indented; it can be left out", () => {
    const f = failureOf("INPUT-03", true);
    expect(formatReproduction(f)).toMatch(/^Counterexample:\n {2}\[.*\n {2}<second line & more>\n/);
    expect(formatReproduction(f, { counterexample: false })).toMatch(/^Replay \(fast-check\)/);
  });

  test("every writer prints the same block", () => {
    const run = sampleRun();
    const f = failureOf("AUTHZ-01");
    const block = formatReproduction(f);
    expect(toJunit(run)).toContain(escapeXmlText(block));
    const sarif = JSON.parse(toSarif(run)).runs[0].results as {
      ruleId: string;
      message: { text: string };
    }[];
    expect(sarif.find((r) => r.ruleId === "AUTHZ-01")!.message.text).toContain(block);
    expect(toMarkdown(run)).toContain(block);
    expect(toHtml(run)).toContain(escapeHtml(formatReproduction(f, { counterexample: false })));
  });

  test("every writer prints the block of every finding of a requirement", () => {
    const run = sampleRun();
    const findings = run.targets[1]!.requirements.find((r) => r.id === "AUTHZ-02")!.failures!;
    expect(findings).toHaveLength(2);
    const sarif = JSON.parse(toSarif(run)).runs[0].results as {
      ruleId: string;
      message: { text: string };
    }[];
    const sarifTexts = sarif.filter((r) => r.ruleId === "AUTHZ-02").map((r) => r.message.text);
    expect(sarifTexts).toHaveLength(2);
    for (const [i, f] of findings.entries()) {
      const block = formatReproduction(f);
      expect(toJunit(run)).toContain(escapeXmlText(block));
      expect(sarifTexts[i]).toContain(block);
      expect(toMarkdown(run)).toContain(block);
      expect(toHtml(run)).toContain(escapeHtml(formatReproduction(f, { counterexample: false })));
    }
  });
});

describe("credentials line", () => {
  test("names the runner's sources when given, never a password", () => {
    expect(credentialsLine(failureOf("AUTHZ-01"))).toBe(
      "Credentials: from users.json of the run, for alice-x1 (set BAIP_USER_ALICE_X1 and BAIP_PASS_ALICE_X1)",
    );
  });

  test("falls back to the redaction labels of the transcript", () => {
    expect(credentialsLine(failureOf("TLS-05"))).toBe(
      "Credentials: from the redaction label <bob-x2: a wrong password (11 chars)>",
    );
    expect(describeCredentialLabel("Basic <alice-x1: password from users.json of the run>")).toBe(
      "users.json of the run (password of alice-x1)",
    );
    expect(
      describeCredentialLabel("Basic <carol: password from env CAROL_PW (identity carol)>"),
    ).toBe("env CAROL_PW (identity carol)");
  });

  test("says so when no credentials were sent", () => {
    const f = failureOf("TLS-05");
    const none = { ...f, transcript: [] as Exchange[] };
    expect(credentialsLine(none)).toBe(
      "Credentials: none (the failing requests carry no Authorization header)",
    );
  });

  test("a live credential in a label is replaced, not described", () => {
    const f = failureOf("TLS-05");
    const ex = structuredClone(f.transcript[0]!);
    ex.request.headers.authorization = "Basic YWxpY2U6c2VjcmV0LXB3";
    delete ex.request.authorization;
    expect(credentialsLine({ ...f, transcript: [ex] })).toBe(
      "Credentials: from the redaction label <[REDACTED by report writer]>",
    );
  });
});

describe("formatExchange", () => {
  test("request and response in curl -v style", () => {
    expect(formatExchange(failureOf("TLS-05").transcript[0]!)).toBe(
      [
        "#96 PUT https://127.0.0.1:32771/users/bob-x2 · HTTPS · 6 ms",
        "> content-type: application/json",
        "> authorization: Basic <bob-x2: a wrong password (11 chars)>",
        ">",
        '> {"display_name":"x"}',
        "< 401",
        "< content-type: text/html; charset=utf-8",
        '< www-authenticate: Basic realm="users"',
        "<",
        "< <p>Unauthorized: password '[REDACTED]' is not bob-x2's password</p>",
      ].join("\n"),
    );
  });

  test("truncation and transport errors are stated", () => {
    const [patch, get] = failureOf("INPUT-03", true).transcript;
    expect(formatExchange(patch!)).toMatch(/< … \(body truncated\)$/);
    expect(formatExchange(get!)).toMatch(/! ECONNRESET: socket hang up$/);
  });
});
