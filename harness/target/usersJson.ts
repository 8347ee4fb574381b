// `/run/conformance/users.json` (docs/SPEC.md 2): the accounts a target seeds at start-up.
import { chmod, writeFile } from "node:fs/promises";
import type { Identity } from "../identity/identity.ts";

export interface UsersJson {
  users: Array<Pick<Identity, "username" | "password" | "role" | "email" | "display_name">>;
}

/** The users.json document for `identities` (passwordSource is harness-only, left out). */
export function usersJson(identities: readonly Identity[]): UsersJson {
  return {
    users: identities.map(({ username, password, role, email, display_name }) => ({
      username,
      password,
      role,
      email,
      display_name,
    })),
  };
}

/** Write users.json, readable by the container's unprivileged user. */
export async function writeUsersJson(identities: readonly Identity[], file: string): Promise<void> {
  await writeFile(file, `${JSON.stringify(usersJson(identities), null, 2)}\n`, "utf8");
  await chmod(file, 0o644);
}
