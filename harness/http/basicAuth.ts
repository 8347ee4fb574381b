// RFC 7617 section 2: "the user-id and password ... concatenated with a single colon (':')
// character ... and encoded into an octet sequence", and section 2.1: with
// `charset="UTF-8"` that octet sequence is UTF-8. The user-id cannot contain ':'; the
// password may (the first colon separates them).

/** The `user-pass` token of RFC 7617: base64 of UTF-8(`username:password`). */
export function basicToken(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, "utf8").toString("base64");
}

/** The full `Authorization` header value: `Basic base64(utf8(user ":" pass))`. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${basicToken(username, password)}`;
}
