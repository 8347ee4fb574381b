import { describe, expect, it } from "vitest";
import { dockerodeOptions, EngineUnavailableError, ensureEngine } from "./ensureEngine.ts";

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineUnavailableError);
  expect((error as Error).message).not.toContain("\n");
  return error as Error;
}

describe("ensureEngine", () => {
  it("names an unreachable DOCKER_HOST and the fix, and never starts an engine for it", async () => {
    const error = await failure(
      ensureEngine({ env: { DOCKER_HOST: "unix:///nonexistent/docker.sock" }, allowStart: true }),
    );
    expect(error.message).toBe(
      "Docker engine at DOCKER_HOST=unix:///nonexistent/docker.sock not reachable (no such socket): start it, or unset DOCKER_HOST to use the local engine",
    );
  });

  it("reports a refused TCP engine", async () => {
    const error = await failure(ensureEngine({ env: { DOCKER_HOST: "tcp://127.0.0.1:1" } }));
    expect(error.message).toContain("(connection refused)");
  });

  it("explains why it does not start an engine when none answers", async () => {
    const error = await failure(
      ensureEngine({ env: {}, sockets: ["/nonexistent/docker.sock"], allowStart: false }),
    );
    expect(error.message).toBe(
      "no Docker engine reachable (DOCKER_HOST unset, /nonexistent/docker.sock absent; not starting one: BAIP_NO_ENGINE_START=1): start Docker or set DOCKER_HOST",
    );
  });

  it("rejects unknown DOCKER_HOST schemes", () => {
    expect(() => dockerodeOptions("ftp://x")).toThrow(/unsupported scheme ftp:/);
  });

  it("maps DOCKER_HOST forms to dockerode options", () => {
    expect(dockerodeOptions("unix:///var/run/docker.sock")).toEqual({
      socketPath: "/var/run/docker.sock",
    });
    expect(dockerodeOptions("tcp://10.0.0.1:2375", {})).toEqual({
      protocol: "http",
      host: "10.0.0.1",
      port: "2375",
    });
    expect(dockerodeOptions("ssh://me@box", {})).toEqual({
      protocol: "ssh",
      host: "box",
      port: 22,
      username: "me",
    });
  });
});
