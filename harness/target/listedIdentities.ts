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
  const listed = manifest.identities.list.map((entry, i) => {
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
  if (manifest.login.field === "email") {
    const i = listed.findIndex((identity) => identity.email === "");
    if (i >= 0)
      throw new TargetConfigError(
        `target ${manifest.name}: identities.list[${i}] (${listed[i]!.username}): login.field is email, so each listed identity needs its \`email\``,
      );
  }
  return withLogin(manifest, listed);
}

/** Identities with the Basic user name the manifest's `login.field` says. */
export function withLogin(manifest: TargetManifest, identities: readonly Identity[]): Identity[] {
  if (manifest.login.field === "username") return [...identities];
  return identities.map((identity) => ({ ...identity, login: identity.email }));
}
