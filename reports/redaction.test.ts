import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { redactHeader, scrubCredentials, WRITER_REDACTION } from "./sanitize.ts";
import { FIXTURE_PASSWORDS, leakyRun, sampleRun } from "./testing/fixtures.ts";
import {
  describeFindings,
  findSecrets,
  scanForSecrets,
  secretVariants,
} from "./testing/scanForSecrets.ts";
import { renderReport, writeReports } from "./writeReports.ts";

describe("report writers and redaction", () => {
  // The formats that carry transcripts (Markdown and SARIF print reproductions only).
  test.each(["json", "junit", "html"] as const)(
    "%s keeps the harness's redaction markers",
    (format) => {
      const text = renderReport(sampleRun(), format);
      // `[REDACTED]` in a response body (the harness scrubbed an echoed password) survives...
      expect(text).toContain("[REDACTED]");
      // ...and so do the authorization labels, in the writer's own escaping.
      expect(text).toMatch(
        /alice-x1: password from users\.json of the run|alice-x1: password from users\\.json/,
      );
    },
  );

  test("no planted password reaches any report, in any encoding", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baip-leak-"));
    await writeReports(leakyRun(), dir);
    const findings = await scanForSecrets(dir, FIXTURE_PASSWORDS);
    expect(describeFindings(findings)).toBe("");
  });

  test("positive control: the scanner finds the planted passwords in the raw run", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baip-leak-"));
    await writeFile(join(dir, "raw.json"), JSON.stringify(leakyRun()), "utf8");
    const findings = await scanForSecrets(dir, FIXTURE_PASSWORDS);
    const encodings = findings.map((f) => `${f.secret}:${f.encoding}`);
    expect(encodings).toContain("0:base64"); // inside Authorization: Basic base64(user:password)
    expect(encodings).toContain("1:raw"); // literal -u user:password in a curl line
    expect(encodings).toContain("2:raw"); // cookie value
    expect(describeFindings(findings)).not.toContain(FIXTURE_PASSWORDS[0]);
  });
});

describe("findSecrets", () => {
  const secret = "Fjörd:7 horse battery ✓";
  test.each([
    ["raw", secret],
    [
      "json-ascii",
      JSON.stringify(secret).replace(
        /[^\x20-\x7e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
      ),
    ],
    ["html-entities", "Fjörd:7 horse battery ✓".replace(/&/g, "&amp;")],
    ["percent-encoding", `?q=${encodeURIComponent(secret)}`],
    ["base64 at offset 0", Buffer.from(`${secret}`).toString("base64")],
    ["base64 at offset 1", Buffer.from(`a:${secret}!`).toString("base64")],
    ["base64 at offset 2", Buffer.from(`ab:${secret}?!`).toString("base64")],
    ["base64url", Buffer.from(`x${secret}`).toString("base64url")],
  ])("finds a secret as %s", (_name, text) => {
    expect(findSecrets(`before ${text} after`, [secret]).length).toBeGreaterThan(0);
  });

  test("finds nothing where there is nothing", () => {
    expect(findSecrets(renderReport(sampleRun(), "json"), FIXTURE_PASSWORDS)).toEqual([]);
  });

  test("refuses secrets too short to scan for", () => {
    expect(() => secretVariants("abc")).toThrow(/shorter than 4/);
  });
});

describe("sanitize", () => {
  test("redactHeader replaces live credentials and cookie values, keeps labels", () => {
    expect(redactHeader("Authorization", "Basic YWxpY2U6cGFzc3dvcmQ=")).toBe(
      `Basic ${WRITER_REDACTION}`,
    );
    expect(redactHeader("authorization", "Bearer eyJhbGciOi.x.y")).toBe(
      `Bearer ${WRITER_REDACTION}`,
    );
    expect(redactHeader("authorization", "Basic <alice: password from users.json>")).toBe(
      "Basic <alice: password from users.json>",
    );
    expect(redactHeader("cookie", "session=abc; theme=dark")).toBe(
      `session=${WRITER_REDACTION}; theme=${WRITER_REDACTION}`,
    );
    expect(redactHeader("set-cookie", "session=abc; Path=/; HttpOnly, id=9; Secure")).toBe(
      `session=${WRITER_REDACTION}; Path=/; HttpOnly, id=${WRITER_REDACTION}; Secure`,
    );
    expect(redactHeader("x-other", "Basic YWxpY2U6cGFzc3dvcmQ=")).toBe(
      "Basic YWxpY2U6cGFzc3dvcmQ=",
    );
  });

  test("scrubCredentials keeps variable references and removes literals", () => {
    const keep = `curl -u "$BAIP_USER_A:$BAIP_PASS_A" -H "Authorization: Basic $(printf %s "$X" | base64)" https://h/`;
    expect(scrubCredentials(keep)).toBe(keep);
    expect(scrubCredentials("curl -u alice:s3cret https://h/")).toBe(
      `curl -u 'alice:${WRITER_REDACTION}' https://h/`,
    );
    expect(scrubCredentials(`curl --user "alice:pass word" x`)).toBe(
      `curl --user "alice:${WRITER_REDACTION}" x`,
    );
    expect(scrubCredentials("curl -H 'Authorization: Basic YWxpY2U6cHc=' x")).toBe(
      `curl -H 'Authorization: Basic ${WRITER_REDACTION}' x`,
    );
    expect(scrubCredentials("curl https://alice:pw@h/")).toBe(
      `curl https://alice:${WRITER_REDACTION}@h/`,
    );
  });

  test("sanitizing does not change the run it is given", () => {
    const run = leakyRun();
    const before = JSON.stringify(run);
    renderReport(run, "html");
    expect(JSON.stringify(run)).toBe(before);
  });
});
