import { readFile, readlink } from 'node:fs/promises';
import os from 'node:os';

/**
 * A process as another process can recognise it later. The kernel reuses pids, so the start time
 * (clock ticks since boot, /proc/<pid>/stat field 22) tells the same process from a newcomer with
 * its pid. A pid only means something on the same kernel (boot id) and in the same PID namespace:
 * containers each have their own.
 */
export interface ProcessIdentity {
  pid: number;
  host: string;
  bootId: string | null;
  pidNamespace: string | null;
  startTime: string | null;
}

/** alive / dead when the pid can be checked from here; unknown for another machine or PID namespace. */
export type Liveness = 'alive' | 'dead' | 'unknown';

async function readOrNull(read: () => Promise<string>): Promise<string | null> {
  try {
    return (await read()).trim();
  } catch {
    return null; // not Linux, or no /proc
  }
}

export async function startTimeOf(pid: number): Promise<string | null> {
  const stat = await readOrNull(() => readFile(`/proc/${pid}/stat`, 'utf8'));
  if (!stat) return null;
  // The command name (field 2) may contain spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

export async function currentProcess(): Promise<ProcessIdentity> {
  return {
    pid: process.pid,
    host: os.hostname(),
    bootId: await readOrNull(() => readFile('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidNamespace: await readOrNull(() => readlink('/proc/self/ns/pid')),
    startTime: await startTimeOf(process.pid),
  };
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function samePidSpace(owner: ProcessIdentity, self: ProcessIdentity): boolean {
  // Without /proc (macOS) boot id and namespace are null on both sides: the host name is all there is.
  return owner.host === self.host && owner.bootId === self.bootId && owner.pidNamespace === self.pidNamespace;
}

/** Whether `owner` still runs, seen from `self`. */
export async function livenessOf(owner: ProcessIdentity, self: ProcessIdentity): Promise<Liveness> {
  if (!samePidSpace(owner, self)) return 'unknown';
  if (!pidExists(owner.pid)) return 'dead';
  if (owner.startTime === null) return 'alive';
  const startTime = await startTimeOf(owner.pid);
  // The pid is taken by a process started at another time: the owner is gone.
  return startTime === null || startTime === owner.startTime ? 'alive' : 'dead';
}
