import { encodePng } from '../../sync-server/src/png.ts';
import {
	expect,
	type APIRequestContext,
	type Browser,
	type Locator,
	type Page
} from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { E2E } from './env.ts';

const adminAuth = `Basic ${Buffer.from(`${E2E.admin}:${E2E.password}`).toString('base64')}`;

/** Read from the trust's server as the administrator, to check what really arrived there. */
export async function serverGet<T = Record<string, unknown>>(
	request: APIRequestContext,
	path: string
): Promise<{ status: number; body: T }> {
	const res = await request.get(`/couchdb/${path}`, { headers: { Authorization: adminAuth } });
	return { status: res.status(), body: (await res.json()) as T };
}

/**
 * Write a document on the trust's server as the administrator (whom the rules let write anything):
 * a change made on another device, arriving as sync brings it.
 */
export async function serverPut(request: APIRequestContext, path: string, doc: object) {
	const res = await request.put(`/couchdb/${path}`, {
		headers: { Authorization: adminAuth },
		data: doc
	});
	expect(res.status(), await res.text()).toBe(201);
}

/**
 * Remove a document a test made on the trust's server, as the administrator; without `rev`, a
 * database.
 */
export async function serverDelete(request: APIRequestContext, path: string, rev?: string) {
	const query = rev === undefined ? '' : `?rev=${encodeURIComponent(rev)}`;
	const res = await request.delete(`/couchdb/${path}${query}`, {
		headers: { Authorization: adminAuth }
	});
	expect(res.status(), await res.text()).toBe(200);
}

/** Where the server keeps the account of user name `name`, below `/couchdb/`. */
const accountPath = (name: string) => `_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;

/**
 * An account made on the trust's server for a test, as the administrator, with the demo's password
 * (`signIn` signs in with it). Take it away after with `removeAccount`, unless the test removes it.
 */
export async function makeAccount(
	request: APIRequestContext,
	/** `title`: a visitor's title as an administrator gives it (`VISITOR_TITLES`). */
	account: { name: string; fullName: string; roles: string[]; title?: string }
): Promise<void> {
	await serverPut(request, accountPath(account.name), {
		_id: `org.couchdb.user:${account.name}`,
		type: 'user',
		...account,
		password: E2E.password
	});
}

/** Remove an account a test made (`makeAccount`), if it is still there. */
export async function removeAccount(request: APIRequestContext, name: string): Promise<void> {
	const { body } = await serverGet<{ _rev?: string }>(request, accountPath(name));
	if (body._rev) await serverDelete(request, accountPath(name), body._rev);
}

interface DemoUser {
	name: string;
	fullName?: string;
	roles: string[];
}

/** The demo trust's accounts, found on the server rather than assumed. */
export async function demoUsers(request: APIRequestContext) {
	const { body } = await serverGet<{ rows: { doc: DemoUser }[] }>(
		request,
		'_users/_all_docs?include_docs=true'
	);
	const users = body.rows.map((r) => r.doc).filter((u) => u && u.name);
	const withRole = (role: string) => users.filter((u) => u.roles.includes(role));
	const schoolOf = (u: DemoUser) =>
		u.roles.find((r) => r.startsWith('school:'))?.slice('school:'.length) ?? '';
	const heads = withRole('head').map((u) => ({
		name: u.name,
		fullName: u.fullName ?? u.name,
		school: schoolOf(u)
	}));
	const sil = withRole('sil')[0];
	const ceo = withRole('ceo')[0];
	if (!sil || !ceo || heads.length < 2) throw new Error('The demo trust is missing accounts');
	return { sil: sil.name, silSchools: sil.roles, ceo: ceo.name, heads };
}

/** The SIL's schools that no head account belongs to: no head test edits their records. */
export function schoolsWithoutHead(users: {
	silSchools: string[];
	heads: { school: string }[];
}): string[] {
	return users.silSchools
		.filter((r) => r.startsWith('school:'))
		.map((r) => r.slice('school:'.length))
		.filter((s) => !users.heads.some((h) => h.school === s));
}

/**
 * Sign in through the app's own screen and wait for the first sync to finish; with the demo's
 * password unless `password` is given. `base` is the app's address, for a browser Playwright did
 * not launch (which has no `baseURL`).
 */
export async function signIn(
	page: Page,
	name: string,
	password: string = E2E.password,
	base = ''
): Promise<void> {
	await page.goto(`${base}/sign-in`);
	await page.getByLabel('User name').fill(name);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/$/);
	await expectAllSent(page);
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
}

/** The status line's green: "Up to date" for someone who writes nothing (a chair of governors). */
export async function expectAllSent(page: Page): Promise<void> {
	await expect(page.getByTestId('sync-status')).toContainText(/All changes sent|Up to date/, {
		timeout: 30_000
	});
}

/** A second device: its own browser context, storage and cookies. */
export async function newDevice(browser: Browser, viewport = { width: 1280, height: 800 }) {
	const context = await browser.newContext({
		baseURL: E2E.baseURL,
		viewport,
		locale: 'en-GB',
		timezoneId: 'Europe/London'
	});
	return { context, page: await context.newPage() };
}

/** axe-core's serious and critical findings on the page as it stands (WCAG 2.2 AA rules). */
export async function seriousA11yViolations(page: Page) {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
		.analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * axe-core's findings of moderate impact and above, best practice included (`landmark-unique`,
 * `heading-order`: landmarks a screen reader cannot tell apart, a skipped heading level).
 */
export async function moderateA11yViolations(page: Page) {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
		.analyze();
	return results.violations
		.filter((v) => v.impact !== 'minor' && v.impact !== null)
		.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * The disclosure marker a summary shows, as the browser draws it: its own (a list item's), or one
 * drawn before it with its turn, which differs open and closed; null when it shows none.
 */
export function summaryMarker(summary: Locator): Promise<string | null> {
	return summary.evaluate((el) => {
		if (getComputedStyle(el).display === 'list-item') return 'list item';
		const before = getComputedStyle(el, '::before');
		const drawn = before.content !== 'none' && before.content !== 'normal';
		return drawn ? `${before.content} ${before.transform}` : null;
	});
}

/**
 * The names at the ends of an A&A chart's lines, from top to bottom, and what keeps any from being
 * read: a name outside the chart's drawing, or any of the chart's words on top of others.
 */
export function chartEndLabels(figure: Locator): Promise<{ names: string[]; problems: string[] }> {
	return figure.evaluate((fig) => {
		const svg = fig.querySelector('svg[role=img]')!;
		const box = svg.getBoundingClientRect();
		const texts = [...svg.querySelectorAll('text')];
		const ends = texts
			.filter((t) => t.dataset.series)
			.map((t) => ({ name: t.dataset.series!, r: t.getBoundingClientRect() }))
			.sort((a, b) => a.r.top - b.r.top);
		const problems: string[] = [];
		const apart = (a: DOMRect, b: DOMRect) =>
			a.right <= b.left + 0.5 ||
			b.right <= a.left + 0.5 ||
			a.bottom <= b.top + 0.5 ||
			b.bottom <= a.top + 0.5;
		for (const e of ends) {
			const over = Math.max(
				box.left - e.r.left,
				e.r.right - box.right,
				box.top - e.r.top,
				e.r.bottom - box.bottom
			);
			if (over > 0.5) problems.push(`"${e.name}" is outside the chart by ${over.toFixed(1)} px`);
		}
		// Line by line: a label of two lines is not a box as wide as its wider line.
		const lines = texts.flatMap((t) =>
			(t.querySelector('tspan') ? [...t.querySelectorAll('tspan')] : [t]).map((l) => ({
				text: t,
				words: l.textContent,
				r: l.getBoundingClientRect()
			}))
		);
		for (const [i, a] of lines.entries())
			for (const b of lines.slice(i + 1))
				if (a.text !== b.text && !apart(a.r, b.r))
					problems.push(`"${a.words}" is on top of "${b.words}"`);
		return { names: ends.map((e) => e.name), problems };
	});
}

/** Nothing on the page is wider than the screen (WCAG reflow at 360 px). */
export async function horizontalOverflow(page: Page): Promise<number> {
	return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * The selects on the page whose chosen option is cut short (wider or taller than the box shows),
 * each as its label and the option. Empty when every choice can be read whole.
 */
export async function cutSelects(page: Page): Promise<string[]> {
	return page
		.locator('select')
		.evaluateAll((selects) =>
			(selects as HTMLSelectElement[])
				.filter((s) => s.scrollWidth > s.clientWidth || s.scrollHeight > s.clientHeight)
				.map((s) => `${s.labels[0]?.textContent?.trim()}: “${s.selectedOptions[0]?.text}”`)
		);
}

/**
 * The date boxes on the page narrower than the date they show, each as its label. A date box
 * shows no sign of it (its scroll width is its width): the whole date is as wide as the browser
 * draws the box by itself for a four-digit year (`field-sizing: content`, measured on a copy with
 * the box's own font, padding and border; without a `max` the browser leaves room for six digits).
 */
export async function cutDates(page: Page): Promise<string[]> {
	return page.locator('input[type="date"]').evaluateAll((boxes) =>
		(boxes as HTMLInputElement[])
			.filter((box) => {
				const width = box.getBoundingClientRect().width;
				if (width === 0) return false;
				const copy = box.cloneNode() as HTMLInputElement;
				copy.removeAttribute('id');
				copy.min = '1000-01-01';
				copy.max = '9999-12-31';
				Object.assign(copy.style, {
					position: 'absolute',
					visibility: 'hidden',
					width: 'auto',
					minWidth: '0',
					maxWidth: 'none',
					fieldSizing: 'content'
				});
				box.after(copy);
				const whole = copy.getBoundingClientRect().width;
				copy.remove();
				return width < whole - 0.5;
			})
			.map((box) => (box.labels?.[0]?.textContent ?? box.id).replace(/\s+/g, ' ').trim())
	);
}

/**
 * What does not fit the screen at its width, as a person reading at 200 % text on a phone would
 * find it: the page scrolling sideways, a select whose choice or a date box whose date is cut
 * short (`cutSelects`, `cutDates`), or an input, select or text area reaching past the screen's
 * edge. Empty when everything fits.
 */
export async function misfits(page: Page): Promise<string[]> {
	const wide = await horizontalOverflow(page);
	const cut = [...(await cutSelects(page)), ...(await cutDates(page))];
	const outside = await page.locator('input, select, textarea').evaluateAll((fields) =>
		(fields as HTMLInputElement[])
			.filter((f) => {
				const box = f.getBoundingClientRect();
				return box.width > 0 && (box.left < 0 || box.right > window.innerWidth);
			})
			// A table of figures scrolls sideways in its own box (the A&A grid): its cells are
			// reached by scrolling it, a two-dimensional layout WCAG 1.4.10 leaves as it is.
			.filter((f) => {
				for (let up = f.parentElement; up; up = up.parentElement) {
					if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) return false;
				}
				return true;
			})
			.map(
				(f) =>
					`“${(f.labels?.[0]?.textContent ?? f.id).replace(/\s+/g, ' ').trim()}” reaches past the screen`
			)
	);
	return [
		...(wide > 0 ? [`the page scrolls sideways by ${wide} px`] : []),
		...cut.map((s) => `cut short: ${s}`),
		...outside
	];
}

/**
 * Opens each screen in turn with its text at 200 % on the device's width (WCAG 1.4.4 and 1.4.10),
 * then what opens on it (a form, a box), and checks, softly so one test names every screen at
 * fault, that nothing pushes the page sideways or is cut short (`misfits`) and that no words cross
 * their box (`spilledText`).
 */
export async function screensFitBigText(
	page: Page,
	screens: readonly (readonly [
		path: string,
		heading: RegExp,
		open: (() => Promise<unknown>) | null
	])[]
): Promise<void> {
	for (const [path, heading, open] of screens) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1, name: heading }), path).toBeVisible();
		await expect(page.getByRole('status').filter({ hasText: /^Loading/ }), path).toHaveCount(0);
		await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
		if (open) await open();
		expect.soft(await misfits(page), path).toEqual([]);
		expect.soft(await spilledText(page), path).toEqual([]);
		expect.soft(await brokenWords(page, '.check'), path).toEqual([]);
	}
}

/**
 * Words that run past the edge of their own box in the page's content (a badge's longest word
 * over its border, a link's over its card's), as a person reading at 200 % text on a phone would
 * find them; each as its words. Boxes that scroll, and visually hidden ones, are left out.
 */
export async function spilledText(page: Page): Promise<string[]> {
	return page
		.locator('main *')
		.evaluateAll((els) =>
			(els as HTMLElement[])
				.filter(
					(el) =>
						el.clientWidth > 1 &&
						el.scrollWidth > el.clientWidth + 1 &&
						!['auto', 'scroll'].includes(getComputedStyle(el).overflowX) &&
						[...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim())
				)
				.map(
					(el) =>
						`“${el.textContent!.replace(/\s+/g, ' ').trim().slice(0, 60)}” runs ${el.scrollWidth - el.clientWidth} px past its box`
				)
		);
}

/**
 * Words broken in the middle across two lines in `selector`'s elements ("administrato|r"), as a
 * person reading at 200 % text on a phone would find them; each as the word. A word broken where
 * it has a hyphen of its own ("non-|disadvantaged") is not counted.
 */
export async function brokenWords(page: Page, selector: string): Promise<string[]> {
	return page.locator(selector).evaluateAll((els) =>
		els.flatMap((el) => {
			const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
			const broken: string[] = [];
			for (let node = walker.nextNode(); node; node = walker.nextNode()) {
				const text = node.textContent ?? '';
				for (const m of text.matchAll(/[^\s-]+/g)) {
					const range = document.createRange();
					range.setStart(node, m.index);
					range.setEnd(node, m.index + m[0].length);
					const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
					if (tops.size > 1) broken.push(m[0]);
				}
			}
			return broken;
		})
	);
}

/**
 * The device's storage is full for the PouchDB databases whose IndexedDB name matches `db`:
 * IndexedDB aborts each write to them with QuotaExceededError, as Chromium does (its DevTools quota
 * override is not enforced in a test browser's context). Room comes back with `storageRoom`.
 */
export async function storageFull(page: Page, db: RegExp = /^_pouch_/): Promise<void> {
	await page.evaluate((source) => {
		const w = window as unknown as { full: boolean };
		w.full = true;
		const full = new RegExp(source);
		const transaction = IDBDatabase.prototype.transaction;
		IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args) {
			const txn = transaction.apply(this, args);
			if (w.full && args[1] === 'readwrite' && full.test(this.name)) {
				const error = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
				Object.defineProperty(txn, 'error', { get: () => error });
				queueMicrotask(() => txn.abort());
			}
			return txn;
		};
	}, db.source);
}

/** The device has room again after `storageFull`: IndexedDB takes every write. */
export async function storageRoom(page: Page): Promise<void> {
	await page.evaluate(() => ((window as unknown as { full: boolean }).full = false));
}

/**
 * The main menu's entries that do not fit the screen: text wider than its entry (it runs into the
 * next one) or an entry past the screen's edge. Empty when every entry can be read and tapped.
 */
export async function crowdedMenu(page: Page): Promise<string[]> {
	return page.locator('nav[aria-label="Main"] a').evaluateAll((links) =>
		links.flatMap((a) => {
			const box = a.getBoundingClientRect();
			const text = a.textContent?.trim() ?? '';
			const problems: string[] = [];
			if (a.scrollWidth > a.clientWidth) problems.push(`"${text}" is wider than its entry`);
			if (box.left < 0 || box.right > window.innerWidth) problems.push(`"${text}" is off screen`);
			return problems;
		})
	);
}

/** A small colour PNG, standing in for a photo of pupils' work taken with the camera. */
export function samplePhoto(width = 640, height = 480): Buffer {
	const rgb = Buffer.alloc(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) rgb.set([x % 256, y % 256, 160], (y * width + x) * 3);
	}
	return encodePng(width, height, rgb);
}

/**
 * Plans the visit on the plan screen. The demo server is shared by every test, and each planned
 * visit counts against the school's SI days; past the allowance the screen asks why, and this
 * answers with the first reason (the allowance itself is `process.e2e.ts`'s subject).
 */
export async function planVisit(page: Page, opts: { keepAreas?: boolean } = {}): Promise<void> {
	await expect(page.getByText(/Planned: .* of up to \d/).first()).toBeVisible();
	// A new record starts with the term's discussion areas (issue 15); a test that writes its own
	// areas leaves them out, so its record holds only what it typed (`keepAreas` keeps them).
	if (!opts.keepAreas) {
		const leave = page.getByRole('button', { name: /^Leave out “/ });
		while ((await leave.count()) > 0) await leave.first().click();
	}
	const beyond = page.getByTestId('beyond-allowance');
	if ((await beyond.count()) > 0) await beyond.getByRole('radio').first().check();
	await page.getByRole('button', { name: 'Plan the visit' }).click();
}

/**
 * Typing kept on the device (an `entry` of the Sync page's "Typing not saved" `section`) is not
 * wiped by signing out without a word: the warning says what it is (`says`) and takes the focus,
 * and its link leads back. There the entry is discarded deliberately, after a second step ("Keep
 * it" returns the focus to "Discard…", the entry still holding `kept`), and the section goes.
 */
export async function signOutSaysThenDiscard(
	page: Page,
	{ section, entry, says, kept }: { section: Locator; entry: Locator; says: string; kept?: string }
): Promise<void> {
	await page.getByRole('link', { name: 'Settings' }).click();
	await page.getByRole('button', { name: 'Sign out' }).click();
	const warning = page.getByRole('alert');
	await expect(warning).toContainText('1 change has not reached the trust');
	await expect(warning).toContainText(says);
	await expect(warning).toBeFocused();
	await warning.getByRole('link', { name: 'Sync page' }).click();

	const discard = entry.getByRole('button', { name: 'Discard…' });
	await discard.click();
	await expect(entry.getByRole('alert')).toContainText('cannot be brought back');
	await entry.getByRole('button', { name: 'Keep it' }).click();
	await expect(discard).toBeFocused();
	if (kept) await expect(entry).toContainText(kept);
	await discard.click();
	await entry.getByRole('button', { name: 'Discard it' }).click();
	await expect(section).toBeHidden();
	await expect(page.getByRole('status').filter({ hasText: 'was discarded' })).toBeFocused();
}

/**
 * Tell a page it is offline, in a context already set offline (`setOffline(true)`). Debian's
 * Chromium 150, which CI installs, keeps such a context's requests failing in a page opened or
 * reloaded since, but that page's `navigator.onLine` says true, so the app rightly reads "Cannot
 * reach the trust" rather than "Offline" (Chromium 156 carried the state over). Said again on the
 * page, the browser reports the connection lost, with an "offline" event, as a device does when
 * its network goes. Call the function returned before going online again.
 */
export async function offlineHere(page: Page): Promise<() => Promise<void>> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.emulateNetworkConditions', {
		offline: true,
		latency: 0,
		downloadThroughput: -1,
		uploadThroughput: -1
	});
	return () => cdp.detach().catch(() => undefined);
}

/**
 * "Typed today at 23:57" (or yesterday, or either, once midnight in England fell between the typing
 * and now), for the note kept on this device whose key starts with `prefix`: the words a list of
 * typing not saved should show, whenever the test runs.
 */
export async function typedWhen(page: Page, prefix: string): Promise<RegExp> {
	const at = await page.evaluate((prefix) => {
		const key = Object.keys(localStorage).find((k) => k.startsWith(prefix));
		const v = key ? (JSON.parse(localStorage.getItem(key)!) as Record<string, unknown>) : {};
		return (v.at ?? v['@at']) as number | undefined;
	}, prefix);
	expect(typeof at, `a note kept under ${prefix}`).toBe('number');
	const london = (options: Intl.DateTimeFormatOptions) =>
		new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', ...options });
	const day = (ms: number) => london({ dateStyle: 'short' }).format(ms);
	const time = london({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at!);
	// The screen was drawn a moment before this check: the day may have turned in between.
	const words = [Date.now(), Date.now() - 120_000].map((now) =>
		day(at!) === day(now) ? 'today' : day(at!) === day(now - 86_400_000) ? 'yesterday' : null
	);
	const alternatives = [...new Set(words.filter((w) => w !== null))];
	return new RegExp(`Typed (${alternatives.join('|')}) at ${time}`);
}

/**
 * Every draft kept on this device whose key starts with `prefix`, as it would be had it been typed
 * `ago` ms ago: in localStorage and in IndexedDB's copy (`keepNote`), which a reload takes back
 * when it is the later of the two.
 */
export async function backdateDrafts(page: Page, prefix: string, ago: number): Promise<void> {
	await page.evaluate(
		async ({ prefix, ago }) => {
			const at = Date.now() - ago;
			const kept: { key: string; value: string; at: number }[] = [];
			for (const key of Object.keys(localStorage).filter((k) => k.startsWith(prefix))) {
				const v = JSON.parse(localStorage.getItem(key)!) as Record<string, unknown>;
				const value = JSON.stringify({ ...v, '@at': at });
				localStorage.setItem(key, value);
				kept.push({ key, value, at });
			}
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const req = indexedDB.open('si-notes');
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
			const tx = db.transaction('notes', 'readwrite');
			for (const note of kept) tx.objectStore('notes').put(note);
			await new Promise((resolve, reject) => {
				tx.oncomplete = resolve;
				tx.onerror = () => reject(tx.error);
			});
			db.close();
		},
		{ prefix, ago }
	);
}
