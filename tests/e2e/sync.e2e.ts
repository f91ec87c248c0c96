import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { E2E } from './env.ts';
import {
	demoUsers,
	expectAllSent,
	newDevice,
	offlineHere,
	planVisit,
	serverGet,
	signIn,
	storageFull,
	storageRoom
} from './helpers.ts';

/** Whether a progress update with this note has reached the school's database on the server. */
async function serverHasNote(request: APIRequestContext, school: string, note: string) {
	const { body } = await serverGet<{ rows: { doc: { note?: string } }[] }>(
		request,
		`school-${school}/_all_docs?include_docs=true`
	);
	return body.rows.some((r) => r.doc.note === note);
}

/** Sign in as the demo trust's last head and open their first next step, ready for an update. */
async function openStepAsHead(page: Page, request: APIRequestContext) {
	const { heads } = await demoUsers(request);
	const head = heads.at(-1)!;
	await signIn(page, head.name);
	await page.getByTestId('next-step').first().getByRole('link').click();
	await expect(page).toHaveURL(/\/next-steps\//);
	await expect(page.getByLabel('What has happened')).toBeVisible();
	return head;
}

/**
 * IndexedDB refuses every write to the app's lists (the read model, `si-read:…`) with a
 * `DOMException` of this name until `window.refuse` is set false; `window.refused` counts them.
 */
async function refuseListWrites(page: Page, name: string) {
	await page.evaluate((name) => {
		const w = window as unknown as { refuse: boolean; refused: number };
		w.refuse = true;
		w.refused = 0;
		const put = IDBObjectStore.prototype.put;
		IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args) {
			if (w.refuse && this.transaction.db.name.startsWith('si-read:')) {
				w.refused++;
				throw new DOMException('The device refused the write.', name);
			}
			return put.apply(this, args);
		};
	}, name);
}

test.describe('offline-first data and sync you can see', () => {
	test('an edit made offline survives a reload and reaches the trust when back online', async ({
		page,
		context,
		request
	}) => {
		const { heads } = await demoUsers(request);
		const head = heads[0]!;
		await signIn(page, head.name);
		await page.getByTestId('next-step').first().getByRole('link').click();
		// The step's own page, not the home still on screen while it opens.
		await expect(page).toHaveURL(/\/next-steps\//);
		await expect(page.getByLabel('What has happened')).toBeVisible();
		const title = await page.getByRole('heading', { level: 1 }).textContent();

		await context.setOffline(true);
		await expect(page.getByTestId('sync-status')).toContainText('Offline');
		await page.getByLabel('In progress').check();
		await page.getByLabel('What has happened').fill('Staff meeting held offline on the bus');
		await page.getByRole('button', { name: 'Save update' }).click();
		await expect(page.getByText('Update saved on this device')).toBeVisible();
		await expect(page.getByTestId('sync-status')).toContainText('Offline · 1 change waiting');

		await page.reload();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(title ?? '');
		await expect(page.getByTestId('progress').first()).toContainText(
			'Staff meeting held offline on the bus'
		);
		await expect(page.getByTestId('sync-status')).toContainText('1 change waiting');

		await context.setOffline(false);
		await expectAllSent(page);
		await expect
			.poll(() => serverHasNote(request, head.school, 'Staff meeting held offline on the bus'))
			.toBe(true);
	});

	test('a change made on one device shows on another within seconds, without a reload', async ({
		browser,
		request
	}) => {
		const { sil, heads } = await demoUsers(request);
		const head = heads.find((h) => h.school)!;
		const silDevice = await newDevice(browser);
		const headDevice = await newDevice(browser, { width: 360, height: 740 });
		await signIn(silDevice.page, sil);
		await signIn(headDevice.page, head.name);

		await headDevice.page.getByTestId('next-step').first().getByRole('link').click();
		await expect(headDevice.page).toHaveURL(/\/next-steps\//);
		const stepUrl = new URL(headDevice.page.url()).pathname;
		await silDevice.page.goto(stepUrl);
		await expect(silDevice.page.getByRole('heading', { level: 1 })).toBeVisible();

		await headDevice.page.getByLabel('What has happened').fill('Governors briefed by the head');
		await headDevice.page.getByRole('button', { name: 'Save update' }).click();
		await expect(silDevice.page.getByTestId('progress').first()).toContainText(
			'Governors briefed by the head',
			{ timeout: 10_000 }
		);
		await silDevice.context.close();
		await headDevice.context.close();
	});

	test('opened again, the app syncs only what changed while it was closed, and sends what waits', async ({
		browser,
		request
	}) => {
		const { heads } = await demoUsers(request);
		const head = heads[1]!;
		const schoolDb = `school-${head.school}`;
		const device = await newDevice(browser, { width: 360, height: 740 });
		const { context } = device;
		let page = device.page;
		await signIn(page, head.name);
		// What the device keeps once both of its databases are in step with the trust.
		const inStep = () =>
			page.evaluate((name) => localStorage.getItem(`si:in-step:${name}`) ?? '', head.name);
		await expect
			.poll(async () => Object.keys(JSON.parse((await inStep()) || '{}').pushed ?? {}))
			.toEqual(expect.arrayContaining([schoolDb, 'trust']));

		/** The databases whose changes this page asked the server for. */
		const passes = (p: typeof page) => {
			const dbs = new Set<string>();
			p.on('request', (r) => {
				const m = /\/couchdb\/([^/?]+)\/_changes/.exec(r.url());
				if (m) dbs.add(decodeURIComponent(m[1]!));
			});
			return dbs;
		};

		// Nothing changed: opened again, the app says all is sent without syncing either database.
		await page.close();
		page = await context.newPage();
		let synced = passes(page);
		await page.goto('/');
		await expectAllSent(page);
		await page.waitForTimeout(1000);
		expect([...synced]).toEqual([]);

		// A next step changed on the server while the app was closed: only its school is synced.
		await page.close();
		const { body: all } = await serverGet<{ rows: { doc: { type?: string; action?: string } }[] }>(
			request,
			`${schoolDb}/_all_docs?include_docs=true`
		);
		const step = all.rows.map((r) => r.doc).find((d) => d.type === 'next-step')!;
		const action = 'Phonics screening check rehearsed with every Year 1 class';
		const put = await request.put(
			`/couchdb/${schoolDb}/${encodeURIComponent((step as { _id: string })._id)}`,
			{
				headers: {
					Authorization: `Basic ${Buffer.from(`${E2E.admin}:${E2E.password}`).toString('base64')}`
				},
				data: { ...step, action }
			}
		);
		expect(put.status()).toBe(201);
		page = await context.newPage();
		synced = passes(page);
		await page.goto('/');
		await expect(page.getByText(action)).toBeVisible();
		await expectAllSent(page);
		expect([...synced]).toEqual([schoolDb]);

		// An update saved offline and not yet sent when the app closed is sent when it opens again,
		// though the server has nothing new for it.
		await context.setOffline(true);
		await page.getByTestId('next-step').first().getByRole('link').click();
		await page.getByLabel('What has happened').fill('Reading leads met after school');
		await page.getByRole('button', { name: 'Save update' }).click();
		await expect(page.getByTestId('sync-status')).toContainText('1 change waiting');
		await page.close();
		await context.setOffline(false);
		page = await context.newPage();
		await page.goto('/');
		await expectAllSent(page);
		await expect
			.poll(() => serverHasNote(request, head.school, 'Reading leads met after school'))
			.toBe(true);
		await context.close();
	});

	test('a send the server never answers (the connection died without a word) is given up and sent again', async ({
		page,
		request
	}) => {
		test.setTimeout(120_000);
		// The page's clock runs as usual, and can be moved on past the two minutes a request waits.
		await page.clock.install();
		const head = await openStepAsHead(page, request);
		await expectAllSent(page);
		// The first batch sent to the school's database is held and never answered, as on a
		// connection that died mid-request without a reset (a Wi-Fi hand-over, a proxy holding it).
		let held = 0;
		await page.route(`**/couchdb/school-${head.school}/_bulk_docs`, async (route) => {
			if (held++ === 0) return; // never fulfilled, continued or aborted
			await route.continue();
		});
		await page.getByLabel('What has happened').fill('Sent on a connection that died');
		await page.getByRole('button', { name: 'Save update' }).click();
		await expect.poll(() => held).toBe(1);
		await expect(page.getByTestId('sync-status')).not.toContainText('All changes sent');

		// Two minutes on, the held request is given up, the pass fails and is tried again.
		await page.clock.fastForward('02:05');
		await expect
			.poll(() => serverHasNote(request, head.school, 'Sent on a connection that died'), {
				timeout: 30_000
			})
			.toBe(true);
		expect(held).toBe(2);
		await expectAllSent(page);
	});

	test('a session that ends mid-sync loses nothing: sign in again and it is sent', async ({
		page,
		context,
		request
	}) => {
		const { heads } = await demoUsers(request);
		const head = heads[1]!;
		await signIn(page, head.name);
		await page.getByTestId('next-step').first().getByRole('link').click();

		await context.clearCookies();
		await page.getByLabel('What has happened').fill('Written after the session ended');
		await page.getByRole('button', { name: 'Save update' }).click();
		await expect(page.getByTestId('sync-status')).toContainText('Signed out by the server');
		await expect(page.getByTestId('sync-status')).toContainText('1 change waiting');

		await page.getByTestId('sync-status').click();
		await page.getByRole('link', { name: 'Sign in again' }).click();
		await expect(page.getByRole('heading', { name: 'Sign in again' })).toBeVisible();
		await page.getByLabel('Password').fill(E2E.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expectAllSent(page);
		await expect
			.poll(() => serverHasNote(request, head.school, 'Written after the session ended'))
			.toBe(true);
	});

	test('when the device refuses to store its lists for a while, an update is still sent, and shows once it can', async ({
		page,
		request
	}) => {
		const head = await openStepAsHead(page, request);

		// IndexedDB refuses every write to the app's lists (the read model), as it does when the
		// device's storage is full; the records themselves (PouchDB) are still written.
		await refuseListWrites(page, 'QuotaExceededError');
		await page.getByLabel('What has happened').fill('Phonics audit booked while storage was full');
		await page.getByRole('button', { name: 'Save update' }).click();
		await expect(
			page.getByText('Update saved. It will reach the trust in a moment.')
		).toBeVisible();
		// Sent to the trust all the same.
		await expect
			.poll(() =>
				serverHasNote(request, head.school, 'Phonics audit booked while storage was full')
			)
			.toBe(true);
		expect(
			await page.evaluate(() => (window as unknown as { refused: number }).refused)
		).toBeGreaterThan(0);

		// Room again: the list takes the update in without a reload, and later ones as before.
		await page.evaluate(() => ((window as unknown as { refuse: boolean }).refuse = false));
		await expect(page.getByTestId('progress').first()).toContainText(
			'Phonics audit booked while storage was full',
			{ timeout: 20_000 }
		);
		await page.getByLabel('What has happened').fill('Audit done, actions shared with staff');
		await page.getByRole('button', { name: 'Save update' }).click();
		await expect(page.getByTestId('progress').first()).toContainText(
			'Audit done, actions shared with staff'
		);
		await expectAllSent(page);
	});

	test('lists the device cannot bring up to date are said to be out of date until they catch up', async ({
		page,
		request
	}) => {
		const head = await openStepAsHead(page, request);
		const behind = page.getByTestId('lists-behind');
		// Not for lack of space: IndexedDB's own failure, which Chromium reports as UnknownError.
		await refuseListWrites(page, 'UnknownError');
		const note = 'Reading leads met to plan the spring book look';
		await page.getByLabel('What has happened').fill(note);
		await page.getByRole('button', { name: 'Save update' }).click();
		await expect(
			page.getByText('Update saved. It will reach the trust in a moment.')
		).toBeVisible();
		// The list cannot show it yet, and the person is told why, on whichever screen they are.
		await expect(behind).toContainText('The lists on this device may be out of date');
		await expect(behind).toContainText('What you save is still kept and sent to the trust');
		await expect(page.getByText('This device is out of space for the app')).toBeHidden();
		await expect.poll(() => serverHasNote(request, head.school, note)).toBe(true);
		await expect(page.getByTestId('progress').first()).not.toContainText(note);

		// Once IndexedDB takes writes again, the list catches up by itself and the notice goes.
		await page.evaluate(() => ((window as unknown as { refuse: boolean }).refuse = false));
		await expect(page.getByTestId('progress').first()).toContainText(note, { timeout: 20_000 });
		await expect(behind).toBeHidden();
	});

	test('a device whose storage is full says so in plain words, keeps the text, and saves it once there is room', async ({
		page,
		request
	}) => {
		const head = await openStepAsHead(page, request);

		// The device is full: no write to its records is taken.
		await storageFull(page);
		const note = 'Lesson visits to Year 6 booked with the maths lead for next week';
		await page.getByLabel('What has happened').fill(note);
		await page.getByRole('button', { name: 'Save update' }).click();
		await expect(page.getByText('Not saved: this device’s storage is full.')).toBeVisible();
		await expect(page.getByLabel('What has happened')).toHaveValue(note);
		// Said on every screen until a save goes through.
		const outOfSpace = page.getByText('This device is out of space for the app');
		await expect(outOfSpace).toBeVisible();
		expect(await serverHasNote(request, head.school, note)).toBe(false);

		// Room again: the same text saves, shows and reaches the trust.
		await storageRoom(page);
		await page.getByRole('button', { name: 'Save update' }).click();
		await expect(
			page.getByText('Update saved. It will reach the trust in a moment.')
		).toBeVisible();
		await expect(page.getByTestId('progress').first()).toContainText(note, { timeout: 20_000 });
		await expect(outOfSpace).toBeHidden();
		await expect.poll(() => serverHasNote(request, head.school, note)).toBe(true);
	});

	test('the same field changed on two offline devices is merged by itself, both texts offered for a choice', async ({
		browser,
		request
	}) => {
		const { sil, heads } = await demoUsers(request);
		const a = await newDevice(browser);
		const b = await newDevice(browser);
		await signIn(a.page, sil);
		await signIn(b.page, sil);
		await a.page.goto(`/schools/${heads[0]!.school}`);
		await a.page.getByTestId('next-step').first().getByRole('link').click();
		await expect(a.page).toHaveURL(/\/next-steps\//);
		const stepUrl = new URL(a.page.url()).pathname;
		const stepId = decodeURIComponent(stepUrl.split('/').pop()!);
		await b.page.goto(stepUrl);

		await a.context.setOffline(true);
		await b.context.setOffline(true);
		await a.page.getByLabel('Owner').fill('Assistant headteacher');
		await b.page.getByLabel('Owner').fill('Early reading lead');
		for (const d of [a, b]) {
			await expect(d.page.getByTestId('save-state')).toContainText('Saved on this device');
		}

		await a.context.setOffline(false);
		await expectAllSent(a.page);
		await b.context.setOffline(false);
		// Nothing is said to be all sent while the choice waits.
		await expect(b.page.getByTestId('sync-status')).toContainText('1 record needs your choice', {
			timeout: 30_000
		});

		// The devices settle the conflict themselves (issue 12): one version on the trust, holding one
		// text, with both texts waiting in a choice for a person.
		const dbs = (await serverGet<string[]>(request, '_all_dbs')).body.filter((d) =>
			d.startsWith('school-')
		);
		const onServer = async () => {
			for (const db of dbs) {
				const res = await serverGet<{
					owner?: string;
					_conflicts?: string[];
					choices?: { path: string[]; options: { value: unknown }[] }[];
				}>(request, `${db}/${encodeURIComponent(stepId)}?conflicts=true`);
				if (res.status !== 200) continue;
				const choice = res.body.choices?.find((c) => c.path.join('.') === 'owner');
				const offered = (choice?.options ?? []).map((o) => String(o.value)).sort();
				return `${res.body.owner}; ${res.body._conflicts?.length ?? 0} conflicts; offers ${offered.join(' / ') || 'nothing'}`;
			}
			return 'not found';
		};
		await expect
			.poll(onServer, { timeout: 30_000 })
			.toMatch(
				/^(Assistant headteacher|Early reading lead); 0 conflicts; offers Assistant headteacher \/ Early reading lead$/
			);

		await a.page.goto('/choices');
		const choice = a.page.getByTestId('choice');
		await expect(choice).toBeVisible({ timeout: 20_000 });
		await expect(choice.locator('legend')).toHaveText('Owner');
		await expect(choice).toContainText('Assistant headteacher');
		await expect(choice).toContainText('Early reading lead');
		await choice
			.getByTestId('choice-option')
			.filter({ hasText: 'Early reading lead' })
			.getByRole('button', { name: /Keep this one/ })
			.click();
		await expect(a.page.getByText('Nothing needs your choice on this device.')).toBeVisible();
		await expectAllSent(a.page);
		await expect.poll(onServer).toBe('Early reading lead; 0 conflicts; offers nothing');

		await expect(b.page.locator('body')).not.toContainText('Signed out');
		await b.page.goto('/choices');
		await expect(b.page.getByText('Nothing needs your choice on this device.')).toBeVisible();
		await a.context.close();
		await b.context.close();
	});
});

test('offline, a SIL at work sends no request bound to fail; back online, everything goes at once', async ({
	browser,
	request
}) => {
	const { sil, heads } = await demoUsers(request);
	const school = heads[0]!.school;
	const { context, page } = await newDevice(browser);
	await signIn(page, sil);
	await page.goto(`/schools/${school}`);
	await context.setOffline(true);
	const online = await offlineHere(page);
	await expect(page.getByTestId('sync-status')).toContainText('Offline');

	const sent: string[] = [];
	page.on('request', (r) => {
		if (new URL(r.url()).pathname.startsWith('/couchdb')) sent.push(`${r.method()} ${r.url()}`);
	});
	await page.getByRole('link', { name: 'Plan a visit' }).click();
	await planVisit(page);
	await expect(page.getByRole('heading', { name: /SI visit,/ })).toBeVisible();
	// Typing with pauses, as a person does: every pause saves on the device.
	const focus = `Reading fluency in year 3 ${Date.now()}`;
	for (const word of focus.split(' ')) {
		await page.getByLabel('Focus of the visit').pressSequentially(`${word} `);
		await expect(page.getByTestId('save-state').first()).toContainText('Saved on this device');
	}
	// Long enough for a pass after each save (300 ms) and a retry after the first failure (2 s).
	await page.waitForTimeout(4_000);
	expect(sent).toEqual([]);

	await online();
	await context.setOffline(false);
	await expectAllSent(page);
	expect(sent.length).toBeGreaterThan(0);
	const { body } = await serverGet<{ rows: { doc: { type?: string; focus?: string } }[] }>(
		request,
		`school-${school}/_all_docs?include_docs=true`
	);
	expect(body.rows.some((r) => r.doc.type === 'visit' && r.doc.focus?.includes(focus))).toBe(true);
	await context.close();
});
