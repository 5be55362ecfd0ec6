import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ). */
export const CLK_TCK = (() => {
  const out = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  const n = Number(out.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

export const hasTaskset = (): boolean =>
  spawnSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" }).status === 0;

export function cpuCount(): number {
  const out = spawnSync("nproc", [], { encoding: "utf8" });
  return Number(out.stdout?.trim()) || 1;
}

/** Pins this very process (the orchestrator) to `cpu`. */
export function pinSelf(cpu: number): void {
  spawnSync("taskset", ["-cp", String(cpu), String(process.pid)], { stdio: "ignore" });
}

/** The command line that runs `args` pinned to `cpu` (taskset execs, so the pid stays the program's). */
export const pinned = (cpu: number | null, command: string, args: string[]): [string, string[]] =>
  cpu === null ? [command, args] : ["taskset", ["-c", String(cpu), command, ...args]];

/** User + system CPU time of the whole process (every thread), in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Busy time (everything but idle and iowait) of one CPU since boot, in milliseconds, from /proc/stat. */
export function cpuBusyMs(cpu: number): number {
  const line = readFileSync("/proc/stat", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`cpu${cpu} `));
  if (!line) return NaN;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  void idle;
  void iowait;
  return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / CLK_TCK;
}

/** VmRSS and VmHWM (peak) in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** The MariaDB/MySQL server process, to report its CPU too (null when it is not on this machine). */
export function findDatabaseServerPid(): number | null {
  const pidFile = `${process.env.MARIADB_DIR ?? "/tmp/latchkey-mariadb"}/mysqld.pid`;
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    if (pid > 0 && existsSync(`/proc/${pid}/stat`)) return pid;
  }
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, "utf8").trim();
      if (comm === "mariadbd" || comm === "mysqld") return Number(entry);
    } catch {
      // the process went away
    }
  }
  return null;
}

export interface Started {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The URL the process printed once it was listening. */
  url: string;
}

/**
 * Starts a server process, its output going to `logFile`, and waits until it prints a line
 * matching `ready` (whose first group is the URL).
 */
export function startProcess(
  name: string,
  command: [string, string[]],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  logFile: string,
  timeoutMs = 60_000,
): Promise<Started> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile);
    const child = spawn(command[0], command[1], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${error.message}\n--- ${name} output (${logFile}) ---\n${output.slice(-3000)}`));
    };
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      if (settled) return;
      output += chunk.toString("utf8");
      const match = ready.exec(output);
      if (match) {
        settled = true;
        clearTimeout(timer);
        resolve({ name, child, pid: child.pid!, url: match[1] });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code, signal) => fail(new Error(`${name} exited (${signal ?? code}) before it was ready`)));
    child.on("error", fail);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export function stopProcess(started: Started | undefined, graceMs = 5000): Promise<void> {
  if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => started.child.kill("SIGKILL"), graceMs);
    started.child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    started.child.kill("SIGTERM");
  });
}
