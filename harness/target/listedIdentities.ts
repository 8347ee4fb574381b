// Identities listed in a manifest (`identities.list`), with passwords given inline or read
// from environment variables. URL targets always use them; container targets use them
// when the caller passes no generated identities.
import type { Identity } from "../identity/identity.ts";
import type { TargetManifest } from "../manifest/schema.ts";

export class TargetConfigError extends Error {
  override readonly name = "TargetConfigError";
}

export function listedIdentities(
  manifest: TargetManifest,
  env: NodeJS.ProcessEnv = process.env,
): Identity[] | undefined {
  if (!("list" in manifest.identities)) return undefined;
  return manifest.identities.list.map((entry, i) => {
    let password = entry.password;
    let passwordSource = `target ${manifest.name} manifest (identities.list[${i}].password)`;
    if (entry.passwordEnv !== undefined) {
      password = env[entry.passwordEnv];
      passwordSource = `env ${entry.passwordEnv}`;
      if (password === undefined || password === "") {
        throw new TargetConfigError(
          `target ${manifest.name}: identities.list[${i}] (${entry.username}): environment variable ${entry.passwordEnv} is not set: export it with the user's password`,
        );
      }
    }
    return {
      username: entry.username,
      password: password!,
      role: entry.role,
      // Unknown until read back; suites snapshot records through the API.
      email: entry.email ?? "",
      display_name: entry.display_name ?? "",
      passwordSource,
    };
  });
}
