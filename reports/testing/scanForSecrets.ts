// A leak detector for report folders, used by the report tests and by the end-to-end tests
// (which know the passwords of the identities a run used). It looks for each secret as
// written, and as the report formats and HTTP would encode it: JSON-escaped, HTML/XML
// entities, percent-encoded, and inside base64 at any of the three byte alignments (which
// is how a password travels in `Authorization: Basic base64(user:password)`).
// Findings never contain the secret itself, only its index in the list.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";

export interface SecretVariant {
  encoding: string;
  needle: string;
}

export interface SecretMatch {
  /** Index of the secret in the list given. */
  secret: number;
  encoding: string;
  /** Character offset of the match in the text. */
  offset: number;
}

export interface SecretFinding extends SecretMatch {
  /** Path relative to the scanned folder. */
  file: string;
}

/** The shortest secret worth scanning for; shorter ones would match everywhere. */
export const MIN_SECRET_LENGTH = 4;

/** Base64 text that contains `bytes` whatever came before or after it, for each alignment. */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const start = (3 - shift) % 3;
    const usable = Math.floor((bytes.length - start) / 3) * 3;
    if (usable < 6) continue;
    cores.push(bytes.subarray(start, start + usable).toString("base64"));
  }
  return cores;
}

function entityVariants(s: string): string[] {
  const base = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const out = new Set<string>();
  for (const quote of ['"', "&quot;", "&#34;"]) {
    for (const apos of ["'", "&#39;", "&apos;", "&#x27;"]) {
      out.add(base.replace(/"/g, quote).replace(/'/g, apos));
    }
  }
  return [...out];
}

/** Every encoding of `secret` that the scanner looks for. */
export function secretVariants(secret: string): SecretVariant[] {
  if (Array.from(secret).length < MIN_SECRET_LENGTH) {
    throw new Error(
      `scanForSecrets: a secret shorter than ${MIN_SECRET_LENGTH} characters cannot be scanned for reliably`,
    );
  }
  const variants: SecretVariant[] = [{ encoding: "raw", needle: secret }];
  const add = (encoding: string, needle: string) => {
    if (!variants.some((v) => v.needle === needle)) variants.push({ encoding, needle });
  };
  add("json", JSON.stringify(secret).slice(1, -1));
  add(
    "json-ascii",
    JSON.stringify(secret)
      .slice(1, -1)
      .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
  );
  for (const e of entityVariants(secret)) add("html-entities", e);
  add("percent-encoding", encodeURIComponent(secret));
  add("form-encoding", encodeURIComponent(secret).replace(/%20/g, "+"));
  for (const core of base64Cores(Buffer.from(secret, "utf8"))) {
    add("base64", core);
    add("base64url", core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return variants;
}

/** Every occurrence of any secret, in any encoding, in `text`. */
export function findSecrets(text: string, secrets: readonly string[]): SecretMatch[] {
  const matches: SecretMatch[] = [];
  secrets.forEach((secret, index) => {
    for (const v of secretVariants(secret)) {
      let at = text.indexOf(v.needle);
      while (at !== -1) {
        matches.push({ secret: index, encoding: v.encoding, offset: at });
        at = text.indexOf(v.needle, at + 1);
      }
    }
  });
  return matches;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await filesUnder(path)));
    else if (e.isFile()) files.push(path);
  }
  return files.sort();
}

/** Scans every file under `dir` (recursively) for the secrets. Empty result: no leak. */
export async function scanForSecrets(
  dir: string,
  secrets: readonly string[],
): Promise<SecretFinding[]> {
  for (const s of secrets) secretVariants(s); // validate before reading anything
  const findings: SecretFinding[] = [];
  for (const file of await filesUnder(dir)) {
    const text = (await readFile(file)).toString("utf8");
    for (const m of findSecrets(text, secrets)) {
      findings.push({ file: relative(dir, file), ...m });
    }
  }
  return findings;
}

/** A message listing findings without revealing any secret. */
export function describeFindings(findings: readonly SecretFinding[]): string {
  return findings
    .map((f) => `${f.file}: secret #${f.secret} (${f.encoding}) at offset ${f.offset}`)
    .join("\n");
}
