/**
 * This process's peak resident set in MB. On Linux, getrusage's maxrss survives exec and so starts
 * at the parent's size when the parent is big; VmHWM belongs to this process's own memory map.
 */
import * as fs from "fs";

export function peakRssMb(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS / 1024;
}
