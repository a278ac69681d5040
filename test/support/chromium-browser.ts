import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core: never a downloaded browser. Each browser gets a
 * fresh profile in a temporary folder, removed on close, and no network beyond what a page asks.
 */
export const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where browser tests leave their screenshots (git-ignored). */
export const testArtifactsDirectory = fileURLToPath(
  new URL('../../test-artifacts', import.meta.url),
);

export interface TestBrowser {
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  /** Saves a full-page screenshot as test-artifacts/<name>.png; returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openTestBrowser(): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'kubegrade-chromium-'));
  // A profile folder is passed this way; playwright refuses --user-data-dir among the args.
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1024, height: 800 },
  });
  await mkdir(testArtifactsDirectory, { recursive: true });
  return {
    async newPage({ width, height } = {}) {
      const page = await context.newPage();
      if (width !== undefined) await page.setViewportSize({ width, height: height ?? 800 });
      return page;
    },
    async screenshot(page, name) {
      const path = join(testArtifactsDirectory, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
