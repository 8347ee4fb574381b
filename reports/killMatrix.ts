// The kill matrix (targets x requirements): for every corpus target, whether each
// requirement it must fail was caught, missed, or failed without being listed (a false
// alarm on a compliant target; an unlisted extra on a broken one). A requirement the
// manifest waives is no alarm: it shows as waived. Pure, like every writer.
import type { RunResult, TargetResult } from "../suites/result.ts";

export type Cell =
  | "caught"
  | "missed"
  | "false-alarm"
  | "waived"
  | "pass"
  | "inconclusive"
  | "skipped";

export interface KillRow {
  target: string;
  cells: Record<string, Cell>;
  caught: number;
  missed: number;
  falseAlarms: number;
}

export function killMatrix(run: RunResult): { ids: string[]; rows: KillRow[] } {
  const ids = [...new Set(run.targets.flatMap((t) => t.requirements.map((r) => r.id)))];
  const rows = run.targets.map((t) => rowOf(t, ids));
  return { ids, rows };
}

function rowOf(target: TargetResult, ids: string[]): KillRow {
  const expected = new Set(target.expectedFailures ?? []);
  const cells: Record<string, Cell> = {};
  for (const id of ids) {
    const r = target.requirements.find((x) => x.id === id);
    const failed = r?.status === "failed";
    if (expected.has(id)) cells[id] = failed ? "caught" : "missed";
    else if (r?.waiver !== undefined) cells[id] = "waived";
    else if (failed) cells[id] = "false-alarm";
    else if (!r || r.status === "inconclusive") cells[id] = "inconclusive";
    else cells[id] = r.status === "skipped" ? "skipped" : "pass";
  }
  const count = (c: Cell) => Object.values(cells).filter((x) => x === c).length;
  return {
    target: target.name,
    cells,
    caught: count("caught"),
    missed: count("missed"),
    falseAlarms: count("false-alarm"),
  };
}

const SYMBOL: Record<Cell, string> = {
  caught: "✅",
  missed: "❌ missed",
  "false-alarm": "⚠️ alarm",
  waived: "waived",
  pass: "·",
  inconclusive: "?",
  skipped: "–",
};

/** Markdown table; requirements as rows (28 of them) reads better than 28 columns. */
export function killMatrixMarkdown(run: RunResult): string {
  const { ids, rows } = killMatrix(run);
  const head = `| target | caught | missed | false alarms | requirements caught |\n|---|---|---|---|---|`;
  const body = rows.map((r) => {
    const caught = ids.filter((id) => r.cells[id] === "caught");
    const flagged = ids
      .filter((id) => ["missed", "false-alarm", "waived"].includes(r.cells[id]!))
      .map((id) => `${id} ${SYMBOL[r.cells[id]!]}`);
    return `| ${r.target} | ${r.caught} | ${r.missed} | ${r.falseAlarms} | ${[...caught, ...flagged].join(", ") || "none (compliant)"} |`;
  });
  const perRequirement = ids.map((id) => {
    const by = rows.filter((r) => r.cells[id] === "caught").map((r) => r.target);
    return `| ${id} | ${by.length} | ${by.join(", ") || "**no broken target**"} |`;
  });
  return [
    head,
    ...body,
    "",
    "| requirement | caught by | broken targets |",
    "|---|---|---|",
    ...perRequirement,
    "",
  ].join("\n");
}
