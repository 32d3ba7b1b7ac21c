/**
 * A tiny step runner for the scripted demo: runs named steps in order, times each one, prints
 * `NN  name  … ms` as it goes, saves the screenshot the step asks for as `docs/demo/NN-slug.png`,
 * and stops at the first failure with the step's name (so a broken demo says where it broke).
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export interface StepResult {
  index: number;
  name: string;
  ms: number;
  screenshot?: string;
}

export interface StepRunner {
  /** Runs `action`; when it returns a page, that page is screenshotted as `NN-<shot>.png` (default: from the name). */
  step(name: string, action: () => Promise<unknown>, shot?: string): Promise<void>;
  readonly results: StepResult[];
}

export async function createStepRunner(options: {
  screenshotDir?: string;
  /** Where progress lines go (stdout by default). */
  print?: (line: string) => void;
}): Promise<StepRunner> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (options.screenshotDir) {
    await mkdir(options.screenshotDir, { recursive: true });
    // Screenshots of an earlier run go, so the folder shows exactly this run.
    for (const file of await readdir(options.screenshotDir)) {
      if (/^\d\d-[a-z0-9-]+\.png$/.test(file) || file === 'failure.png') await rm(join(options.screenshotDir, file));
    }
  }
  const results: StepResult[] = [];
  return {
    results,
    async step(name, action, shot) {
      const index = results.length + 1;
      const started = performance.now();
      let returned: unknown;
      try {
        returned = await action();
      } catch (err) {
        const ms = Math.round(performance.now() - started);
        print(`${pad(index)}  ${name.padEnd(58)} FAILED after ${ms} ms`);
        throw new Error(`Step ${index} "${name}" failed: ${(err as Error).message}`, { cause: err });
      }
      const ms = Math.round(performance.now() - started);
      let screenshot: string | undefined;
      const page = isPage(returned) ? returned : undefined;
      if (page && options.screenshotDir) {
        screenshot = join(options.screenshotDir, `${pad(index)}-${slug(shot ?? name)}.png`);
        await page.screenshot({ path: screenshot });
      }
      results.push({ index, name, ms, ...(screenshot ? { screenshot } : {}) });
      print(`${pad(index)}  ${name.padEnd(58)} ${String(ms).padStart(6)} ms`);
    },
  };
}

function isPage(value: unknown): value is Page {
  return typeof (value as Page | undefined)?.screenshot === 'function';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
}
