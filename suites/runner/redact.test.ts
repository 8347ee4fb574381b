import { describe, expect, it } from "vitest";
import type { Identity } from "../../harness/identity/identity.ts";
import { redactValue } from "./redact.ts";

const alice: Identity = {
  username: "alice-x1",
  password: "s3cret:pässword",
  role: "user",
  email: "alice@example.org",
  display_name: "Alice",
  passwordSource: "users.json of the run (identity alice-x1)",
};

describe("redactValue", () => {
  it("replaces a password and its variants anywhere in a counterexample", () => {
    expect(redactValue({ p: ["s3cret:pässword", "S3CRET:PÄSS"] }, [alice])).toEqual({
      p: [
        "<password of alice-x1 from users.json of the run (identity alice-x1)>",
        "<variant of the password of alice-x1 (11 chars)>",
      ],
    });
  });

  it("walks null-prototype objects (AUTHZ-06's bodies) instead of crashing", () => {
    const body = Object.assign(Object.create(null) as Record<string, unknown>, {
      role: "admin",
      password: "s3cret:pässword",
    });
    expect(redactValue([body], [alice])).toEqual([
      {
        role: "admin",
        password: "<password of alice-x1 from users.json of the run (identity alice-x1)>",
      },
    ]);
  });
});
