/** Append query parameters to a path that may already carry a query. */
export function withQuery(path: string, query: Record<string, string>): string {
  const entries = Object.entries(query);
  if (entries.length === 0) return path;
  const qs = entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  return `${path}${path.includes("?") ? "&" : "?"}${qs}`;
}
