import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellQuote, toCurl } from "./curl.ts";
import type { Exchange } from "./exchange.ts";

function exchange(request: Partial<Exchange["request"]>): Exchange {
  return {
    seq: 7,
    request: {
      method: "GET",
      url: "https://127.0.0.1:40001/users/alice-x1",
      transport: "tls",
      headers: {},
      ...request,
    },
    response: { status: 200, headers: {}, body: "", bodyTruncated: false },
    durationMs: 3,
  };
}

const envFor = (label: string) => {
  const m = /^(\S+)/.exec(label);
  const id = (m?.[1] ?? "X").toUpperCase().replace(/[^A-Z0-9]/g, "_");
  return `$BAIP_USER_${id}:$BAIP_PASS_${id}`;
};

/** Splits a command line the way sh would, without expanding anything. */
function shellWords(command: string): string[] {
  const out = execFileSync(
    "sh",
    ["-c", `for w in ${command.replace(/^curl /, "")}; do printf '%s\\0' "$w"; done`],
    {
      env: {
        BAIP_CA: "/ca.pem",
        BAIP_USER_ALICE_X1: "alice-x1",
        BAIP_PASS_ALICE_X1: "p:w d",
        BAIP_URL: "https://h:1",
      },
    },
  );
  return out.toString("utf8").split("\0").slice(0, -1);
}

describe("toCurl", () => {
  it("builds the documented PATCH example with credentials from the environment", () => {
    const cmd = toCurl(
      exchange({
        method: "PATCH",
        headers: {
          authorization: "alice-x1 (users.json of the run)",
          "content-type": "application/json",
        },
        authorization: { kind: "basic", label: "alice-x1 (users.json of the run)" },
        body: '{"display_name":"O\'Brien $HOME `x`"}',
        bodyBytes: 36,
      }),
      { credentialsFrom: envFor },
    );
    expect(cmd).toBe(
      `curl --http1.1 --path-as-is -g --max-redirs 0 --cacert "$BAIP_CA" -u "$BAIP_USER_ALICE_X1:$BAIP_PASS_ALICE_X1" -X PATCH -H Accept: -H User-Agent: -H 'content-type: application/json' --data-raw '{"display_name":"O'\\''Brien $HOME \`x\`"}' https://127.0.0.1:40001/users/alice-x1`,
    );
    expect(cmd).not.toContain("users.json");
    // The shell sees exactly the intended words: body unexpanded, credentials expanded.
    const words = shellWords(cmd);
    expect(words).toContain(`{"display_name":"O'Brien $HOME \`x\`"}`);
    expect(words).toContain("alice-x1:p:w d");
  });

  it("keeps dot segments and odd characters of the path, quoted", () => {
    const cmd = toCurl(
      exchange({ url: "https://127.0.0.1:40001/users/me/../bob;x=[1]?as=bob&role=admin" }),
      { credentialsFrom: envFor },
    );
    expect(cmd).toContain("--path-as-is");
    expect(cmd.endsWith(`'https://127.0.0.1:40001/users/me/../bob;x=[1]?as=bob&role=admin'`)).toBe(
      true,
    );
    expect(cmd).not.toContain("-X");
  });

  it("uses the base URL variable when asked", () => {
    const cmd = toCurl(exchange({ url: "https://127.0.0.1:40001/users/a b" }), {
      credentialsFrom: envFor,
      baseUrlVar: "BAIP_URL",
    });
    expect(cmd.endsWith(`"$BAIP_URL"'/users/a b'`)).toBe(true);
    expect(shellWords(cmd).at(-1)).toBe("https://h:1/users/a b");
  });

  it("sends raw Authorization values as a header from a variable", () => {
    const cmd = toCurl(
      exchange({
        headers: { authorization: "non-UTF-8 bytes" },
        authorization: { kind: "raw", label: "non-UTF-8 bytes" },
      }),
      { credentialsFrom: () => "$BAIP_RAW_AUTH" },
    );
    expect(cmd).toContain(`-H "Authorization: $BAIP_RAW_AUTH"`);
  });

  it("plain HTTP: no --cacert; empty header values and missing content type kept", () => {
    const cmd = toCurl(
      exchange({
        method: "POST",
        url: "http://127.0.0.1:40002/users/a",
        transport: "plaintext",
        headers: { "x-empty": "" },
        body: "[]",
        bodyBytes: 2,
      }),
      { credentialsFrom: envFor },
    );
    expect(cmd).not.toContain("--cacert");
    expect(cmd).toContain("-H 'x-empty;'");
    expect(cmd).toContain("-H Content-Type:");
    expect(cmd).toContain("--data-raw '[]'");
  });

  it("warns when the recorded body was truncated", () => {
    const cmd = toCurl(
      exchange({ method: "PUT", body: "x".repeat(10), bodyBytes: 70_000, bodyTruncated: true }),
      {
        credentialsFrom: envFor,
      },
    );
    expect(cmd.split("\n")[0]).toMatch(/^# the request body was 70000 bytes/);
  });

  it("refuses a credentialsFrom that returns a literal", () => {
    expect(() =>
      toCurl(
        exchange({
          authorization: { kind: "basic", label: "alice" },
          headers: { authorization: "alice" },
        }),
        { credentialsFrom: () => "alice:secret" },
      ),
    ).toThrow(/variable references only/);
  });

  it("shellQuote survives every byte but NUL", () => {
    const nasty = "a'b\"c$d`e\\f\ng !*?[]{};&|<>";
    const out = execFileSync("sh", ["-c", `printf '%s' ${shellQuote(nasty)}`]).toString("utf8");
    expect(out).toBe(nasty);
  });
});
