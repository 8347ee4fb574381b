// Escaping and small formatting helpers shared by the report writers. Every string that
// came from a target (bodies, headers, messages built from them) goes through one of the
// escapers below before it reaches a report, so that a hostile body cannot break the
// report's syntax (XML, HTML, Markdown) or smuggle invisible characters into it.

/**
 * Characters that are invisible, ambiguous or invalid in XML 1.0, made visible as `\uXXXX`:
 * C0 controls other than tab, line feed and carriage return; DEL and C1 controls;
 * lone surrogates; and the non-characters U+FFFE and U+FFFF.
 */
const INVISIBLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function visibleControls(s: string): string {
  return s.replace(
    INVISIBLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text or attribute content for HTML. */
export function escapeHtml(s: string): string {
  return visibleControls(s).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/** Character data for XML 1.0 (element content). `\r` is kept as a character reference. */
export function escapeXmlText(s: string): string {
  return visibleControls(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r/g, "&#13;");
}

/** An XML 1.0 attribute value in double quotes; tabs and line breaks survive normalization. */
export function escapeXmlAttr(s: string): string {
  return escapeXmlText(s).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
}

/** Shortens to at most `max` code points, marking the cut with an ellipsis. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/** One line of Markdown text: whitespace collapsed, table pipes and markup escaped. */
export function mdInline(s: string, max = 240): string {
  const oneLine = truncate(visibleControls(s).replace(/\s+/g, " ").trim(), max);
  return oneLine
    .replace(/([\\`*_[\]<>|#~])/g, "\\$1")
    .replace(/&/g, "&amp;")
    .replace(/^([-+]|\d+\.)\s/, "\\$1 ");
}

/** An inline code span that survives any backticks inside it and sits safely in a table cell. */
export function mdCode(s: string): string {
  const text = visibleControls(s).replace(/\s*\n\s*/g, " ");
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const padded = text.startsWith("`") || text.endsWith("`") ? ` ${text} ` : text;
  return `${fence}${padded.replace(/\|/g, "\\|")}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run in the text. */
export function mdFence(text: string, info = "text"): string {
  const body = visibleControls(text);
  const longest = Math.max(0, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

/** `850 ms`, `12.3 s`, `1 min 47.5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = ((ms % 60_000) / 1000).toFixed(1);
  return `${minutes} min ${seconds} s`;
}

/** Seconds with millisecond precision, as JUnit's `time` attributes carry them. */
export function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** `1 passed`, `2 warnings`: English plural for report prose. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
