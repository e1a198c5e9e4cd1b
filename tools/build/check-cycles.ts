// Fails the build on an import cycle between kernel folders. Every relative
// import and re-export of kernel/**/*.ts is an edge from the importing file's
// folder to the imported file's folder (files directly in kernel/ are the
// folder "kernel"); the strongly connected groups of two or more folders are
// the cycles. A few known cycles are allowed by name below, so only a new
// one fails; a cycle through ipc/ is never allowed.
// Usage: tsx tools/build/check-cycles.ts [--graph] [--root DIR]
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/**
 * Folder groups known to import each other, sorted and joined by " ": the
 * boot-time hardware code (the console and the clocks need the CPU's
 * primitives, which report through the console and time their waits), and
 * the process table with the scheduler that ends processes.
 */
export const ALLOWED_CYCLES: readonly string[] = ["acpi arch boot console time", "proc sched"];
/** A group holding this folder fails even when it is on the allow-list. */
const NEVER_IN_A_CYCLE = "ipc";

export type Graph = Map<string, Set<string>>;

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) found.push(path);
  }
  return found;
}

const IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm;

function folderOf(root: string, file: string): string | null {
  const rel = relative(root, file);
  if (rel.startsWith("..")) return null;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : "kernel";
}

/** The folder graph of the kernel tree at `root`: folder -> folders it imports from. */
export function folderGraph(root: string): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles(root)) {
    const from = folderOf(root, file)!;
    if (!graph.has(from)) graph.set(from, new Set());
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      if (!match[1].startsWith(".")) continue;
      const to = folderOf(root, resolve(dirname(file), match[1]));
      if (to !== null && to !== from) graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** The strongly connected groups of more than one folder (Tarjan's algorithm). */
export function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) groups.push(group.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return groups;
}

/** One closed path through `group`, to show which imports form the cycle. */
export function pathThrough(graph: Graph, group: string[]): string[] {
  const members = new Set(group);
  const start = group.includes(NEVER_IN_A_CYCLE) ? NEVER_IN_A_CYCLE : group[0];
  const seen = new Set<string>();
  const walk = (v: string, path: string[]): string[] | null => {
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!members.has(w)) continue;
      if (w === start) return [...path, w];
      if (seen.has(w)) continue;
      seen.add(w);
      const found = walk(w, [...path, w]);
      if (found !== null) return found;
    }
    return null;
  };
  return walk(start, [start]) ?? group;
}

/** The groups that fail the check: not allowed, or through ipc/. */
export function forbiddenCycles(groups: string[][], allowed: readonly string[] = ALLOWED_CYCLES): string[][] {
  return groups.filter((g) => g.includes(NEVER_IN_A_CYCLE) || !allowed.includes(g.join(" ")));
}

export function formatGraph(graph: Graph): string {
  return [...graph.keys()].sort().map((v) => `${v} -> ${[...graph.get(v)!].sort().join(", ")}`).join("\n");
}

function main(args: string[]): number {
  const at = args.indexOf("--root");
  const root = resolve(at >= 0 ? args[at + 1] : "kernel");
  const graph = folderGraph(root);
  if (args.includes("--graph")) console.log(formatGraph(graph));
  const groups = cycles(graph);
  for (const allowed of ALLOWED_CYCLES) console.log(`allowed cycle between kernel folders: ${allowed}`);
  const bad = forbiddenCycles(groups);
  for (const group of bad) console.error(`error: import cycle between kernel folders ${group.join(", ")}: ${pathThrough(graph, group).join(" -> ")}`);
  return bad.length > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main(process.argv.slice(2)));
