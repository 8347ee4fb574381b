/** One account of the target (docs/SPEC.md 2, users.json). */
export interface Identity {
  username: string;
  password: string;
  role: string;
  email: string;
  display_name: string;
  /**
   * Where the password comes from, for reproductions that must never print it:
   * e.g. "users.json of the run (identity alice-x1)" or "env ALICE_PASSWORD".
   */
  passwordSource: string;
  /** The Basic user name when it is not `username` (manifest `login.field`). */
  login?: string;
}

/**
 * The Basic user name an identity logs in with: its username, or another field (an
 * e-mail) where the manifest says `login.field` (docs/SPEC.md 1b).
 */
export function loginOf(identity: Identity): string {
  return identity.login ?? identity.username;
}
