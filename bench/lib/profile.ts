import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * The functions (and, summed, the packages) where a `--cpu-prof` profile spent its own time:
 * a first look at where the server's CPU per request goes. Open the .cpuprofile in Chrome
 * DevTools (Performance → Load profile) for the full picture.
 */
export function summarizeProfiles(dir: string, root: string, top = 25): string {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const lines: string[] = [];
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    let total = 0;
    const byFunction = new Map<string, number>();
    const byPackage = new Map<string, number>();
    for (const [id, micros] of self) {
      const frame = byId.get(id)!.callFrame;
      total += micros;
      if (frame.functionName === "(idle)" || frame.functionName === "(program)") continue;
      const url = frame.url.replace(/^file:\/\//, "");
      const where = url ? `${relative(root, url)}:${frame.lineNumber + 1}` : "";
      const name = `${frame.functionName || "(anonymous)"} ${where}`.trim();
      byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
      const pkg =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
        (url.includes("/dist/src/") ? "latchkey (dist/src)" : url ? "node internals" : frame.functionName);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    }
    const pct = (micros: number) => ((micros / total) * 100).toFixed(1).padStart(5) + "%";
    lines.push(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
    lines.push("  by package (self time):");
    for (const [name, micros] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15))
      lines.push(`    ${pct(micros)}  ${name}`);
    lines.push(`  top ${top} functions (self time):`);
    for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
      lines.push(`    ${pct(micros)}  ${name}`);
  }
  return lines.join("\n");
}
