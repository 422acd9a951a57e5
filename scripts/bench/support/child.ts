/** Starts a server in a child process and resolves with its URL once it prints one. */
import { spawn, type ChildProcess } from 'node:child_process';

export function startChild(script: string, env: Record<string, string>, urlPattern: RegExp): Promise<{ child: ChildProcess; url: string; rssMb(): number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = urlPattern.exec(out);
      if (m) resolve({ child, url: m[1], rssMb: () => rssOf(child.pid!) });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}: ${err.slice(-2000)}`)));
  });
}

function rssOf(pid: number): number {
  try {
    const status = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8') as string;
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
