/** Reads every `*.json` in the managed-policy folders; unreadable or non-JSON files are named, not fatal. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PolicyFile {
  path: string;
  policy?: Record<string, unknown>;
  error?: string;
}

export async function readPolicyFiles(dirs: readonly string[]): Promise<PolicyFile[]> {
  const files: PolicyFile[] = [];
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const path = join(dir, name);
      try {
        const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
        if (typeof parsed !== 'object' || parsed === null) throw new Error('not a JSON object');
        files.push({ path, policy: parsed as Record<string, unknown> });
      } catch (err) {
        files.push({ path, error: (err as Error).message });
      }
    }
  }
  return files;
}
