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
}
