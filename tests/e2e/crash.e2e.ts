import {
	chromium,
	expect,
	test,
	type APIRequestContext,
	type Browser,
	type Page
} from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, E2E } from './env.ts';
import { demoUsers, expectAllSent, planVisit, schoolsWithoutHead, signIn } from './helpers.ts';

// The whole browser killed (a phone's battery gone, the system ending it) a moment after typing:
// not a tab closed, which the browser itself outlives, but the process that holds the page's
// storage, its profile on disk kept for the next launch. Chromium writes localStorage to disk
// only seconds after it changes.

interface Running {
	browser: Browser;
	process: ChildProcess;
	page: Page;
}

/** Chromium started on `profile` as a process of its own, so that it can be killed outright. */
async function launch(profile: string): Promise<Running> {
	const process = spawn(
		CHROMIUM.path,
		[
			'--headless=new',
			`--user-data-dir=${profile}`,
			'--remote-debugging-port=0',
			...CHROMIUM.args,
			'--lang=en-GB',
			'about:blank'
		],
		{ detached: true, stdio: ['ignore', 'ignore', 'pipe'] }
	);
	const endpoint = await new Promise<string>((resolve, reject) => {
		let said = '';
		process.stderr?.on('data', (chunk: Buffer) => {
			said += String(chunk);
			const found = /DevTools listening on (ws:\/\/\S+)/.exec(said)?.[1];
			if (found) resolve(found);
		});
		process.on('exit', (code) => reject(new Error(`Chromium ended (${code}): ${said}`)));
	});
	const browser = await chromium.connectOverCDP(endpoint);
	const context = browser.contexts()[0] ?? (await browser.newContext());
	const page = await context.newPage();
	await page.setViewportSize({ width: 1280, height: 800 });
	return { browser, process, page };
}

const ended = (process: ChildProcess) =>
	process.exitCode !== null || process.signalCode !== null
		? Promise.resolve()
		: new Promise((resolve) => process.once('exit', resolve));

/**
 * Kill the browser and every process it started, as the system would: nothing more is written.
 * Returns once Playwright has seen the connection go too, so that nothing it does at the test's end
 * (its trace) still reaches for a browser that is gone.
 */
async function kill({ browser, process }: Running): Promise<void> {
	const end = ended(process);
	const disconnected = browser.isConnected()
		? new Promise((resolve) => browser.once('disconnected', resolve))
		: Promise.resolve();
	globalThis.process.kill(-process.pid!, 'SIGKILL');
	await Promise.all([end, disconnected]);
}

/** Close the browser as a person would, letting it write what it holds. */
async function close({ browser, process }: Running): Promise<void> {
	const end = ended(process);
	await (await browser.newBrowserCDPSession()).send('Browser.close').catch(() => undefined);
	await end;
}

const STEP = 'Plan a weekly class novel in every upper key stage 2 class';

/**
 * A browser profile on disk in which the SIL signed in earlier, planned a visit at a school no
 * other test works in, and closed the browser; `typeThenKill` opens it on the visit, types, and
 * kills the browser; `check` opens it again on the visit.
 */
async function crashOn(
	request: APIRequestContext,
	typeThenKill: (page: Page, kill: () => Promise<void>) => Promise<void>,
	check: (page: Page) => Promise<void>
): Promise<void> {
	const users = await demoUsers(request);
	await onOneProfile(async (start) => {
		const first = await start();
		await signIn(first.page, users.sil, E2E.password, E2E.baseURL);
		await first.page.goto(`${E2E.baseURL}/schools/${schoolsWithoutHead(users)[0]}`);
		await first.page.getByRole('link', { name: 'Plan a visit' }).click();
		await planVisit(first.page);
		await expect(first.page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
		const visit = first.page.url();
		await expect(first.page.getByTestId('save-state').first()).toContainText(
			'Saved on this device'
		);
		await close(first);

		const second = await start();
		await second.page.goto(visit);
		await typeThenKill(second.page, () => kill(second));

		const third = await start();
		await third.page.goto(visit);
		await check(third.page);
	});
}

/** `body` given a way to start Chromium on one new profile on disk, again and again. */
async function onOneProfile(body: (start: () => Promise<Running>) => Promise<void>) {
	const profile = mkdtempSync(join(tmpdir(), 'si-crash-'));
	const running: Running[] = [];
	try {
		await body(async () => {
			running.push(await launch(profile));
			return running.at(-1)!;
		});
	} finally {
		for (const r of running) await kill(r).catch(() => undefined);
		rmSync(profile, { recursive: true, force: true });
	}
}

const FOCUS = 'Reading for pleasure in upper key stage 2';

test('what was typed is still there after the whole browser is killed a moment after the last keystroke', async ({
	request
}) => {
	test.setTimeout(180_000);
	await crashOn(
		request,
		async (page, killNow) => {
			// Typing into the booklet, saved as it is typed, and a next step being written, added by
			// hand. The browser is killed well inside the moment before the booklet's save (300 ms).
			await page.getByLabel('Focus of the visit').fill(FOCUS);
			await page.getByLabel('Next step', { exact: true }).fill(STEP);
			await page.waitForTimeout(150);
			await killNow();
		},
		async (page) => {
			await expect(page.getByLabel('Focus of the visit')).toHaveValue(FOCUS);
			await expect(page.getByTestId('save-state').first()).toContainText('Saved on this device');
			await expectAllSent(page);
			// The next step being written, not yet added, is there to add.
			await expect(page.getByLabel('Next step', { exact: true })).toHaveValue(STEP);
			// In the record itself, not only in the device's note of it.
			await page.reload();
			await expect(page.getByLabel('Focus of the visit')).toHaveValue(FOCUS);
		}
	);
});

test('typing kept up for several seconds, then the browser killed: every word is there', async ({
	request
}) => {
	test.setTimeout(180_000);
	// Long enough, typed steadily, that localStorage reaches the disk part-way through (about 5 s),
	// and never a pause long enough for the booklet's save.
	const words = `${FOCUS}, with a class novel read aloud every day in Years 5 and 6`;
	await crashOn(
		request,
		async (page, killNow) => {
			const focus = page.getByLabel('Focus of the visit');
			await focus.fill('');
			await focus.pressSequentially(words, { delay: 90 });
			await page.waitForTimeout(150);
			await killNow();
		},
		async (page) => {
			await expect(page.getByLabel('Focus of the visit')).toHaveValue(words);
			await expectAllSent(page);
			await page.reload();
			await expect(page.getByLabel('Focus of the visit')).toHaveValue(words);
			await expect(page.getByTestId('save-state').first()).not.toContainText('choice');
		}
	);
});

test('the browser killed just after signing in opens signed in, and just after signing out, signed out', async ({
	request
}) => {
	test.setTimeout(150_000);
	const users = await demoUsers(request);
	const schoolLink = (page: Page) =>
		page.locator(`a[href="/schools/${schoolsWithoutHead(users)[0]}"]`).first();
	await onOneProfile(async (start) => {
		const first = await start();
		await first.page.goto(`${E2E.baseURL}/sign-in`);
		await first.page.getByLabel('User name').fill(users.sil);
		await first.page.getByLabel('Password').fill(E2E.password);
		await first.page.getByRole('button', { name: 'Sign in' }).click();
		await expect(schoolLink(first.page)).toBeVisible();
		// Well inside the seconds before Chromium writes localStorage to disk.
		await kill(first);

		const second = await start();
		await second.page.goto(E2E.baseURL);
		await expect(schoolLink(second.page)).toBeVisible();
		await expect(second.page.getByLabel('User name')).toHaveCount(0);
		await close(second);

		const third = await start();
		await third.page.goto(E2E.baseURL);
		await expect(schoolLink(third.page)).toBeVisible();
		await third.page.getByRole('link', { name: 'Settings' }).click();
		await third.page.getByRole('button', { name: 'Sign out' }).click();
		await expect(third.page.getByLabel('User name')).toBeVisible();
		await kill(third);

		const fourth = await start();
		await fourth.page.goto(E2E.baseURL);
		await expect(fourth.page.getByLabel('User name')).toBeVisible();
		await expect(schoolLink(fourth.page)).toHaveCount(0);
	});
});
