import type { BrowserContext, Page } from 'playwright-core';
import { PASSWORD, type CollabFixture } from './collab-session';

/** One user's browser context showing the worklist (signed in, no study opened). */
export interface WorklistPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
}

/** Signs `username` in through the login page and waits until the fixture study's row has its status. */
export async function openWorklist(fx: CollabFixture, username: string): Promise<WorklistPage> {
  const context = await fx.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  await page.goto(`${fx.server.url}/`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector(`[data-testid=study-row][data-study-uid="${fx.studyUid}"][data-status]:not([data-status=""])`, { timeout: 15_000 });
  return { context, page, errors };
}

/** The CSS selector of the fixture study's worklist row. */
export function rowOf(fx: CollabFixture): string {
  return `[data-testid=study-row][data-study-uid="${fx.studyUid}"]`;
}
