import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU time of a process (µs), from /proc/<pid>/stat (utime, stime). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces; fields after the closing paren are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / CLK_TCK;
}

/** Resident set size of a process, bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * The kernel's count of connections dropped because a listen queue was full (TcpExt
 * ListenOverflows + ListenDrops, machine-wide): a client then waits for a SYN retransmit (1 s, 3 s…).
 */
export function listenDrops(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const names = lines[i]?.split(' ') ?? [];
  const values = lines[i + 1]?.split(' ') ?? [];
  const get = (n: string) => Number(values[names.indexOf(n)] ?? 0);
  return get('ListenOverflows') + get('ListenDrops');
}

/**
 * Time the process's main thread (its event loop) spent runnable but waiting for a CPU (µs),
 * from /proc/<pid>/schedstat: how much the rest of the machine held it back.
 */
export function runqueueWaitMicros(pid: number): number {
  const [, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
  return Number(wait) / 1000;
}

/**
 * Write-family syscalls the process has made (`syscw` in /proc/<pid>/io: write, writev, …): with
 * deliveries, how many events one socket write carries on average.
 */
export function writeSyscalls(pid: number): number {
  const m = /syscw:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}
