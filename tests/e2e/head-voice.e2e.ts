import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import {
	demoUsers,
	expectAllSent,
	horizontalOverflow,
	makeAccount,
	newDevice,
	removeAccount,
	serverDelete,
	serverGet,
	serverPut,
	signIn
} from './helpers.ts';

// Found at stop 28: the head's own screens speak to them ("You disagree", "Your agreement") where
// the SIL reads "the headteacher"; a step not yet agreed says so on its card, never "In progress";
// a next step's Back returns to the list it was opened from. The head's side runs at 360 x 740.
const PHONE = { width: 360, height: 740 };

type Doc = {
	_id: string;
	_rev?: string;
	type?: string;
	status?: string;
	visitId?: string;
	headReply?: unknown;
	[k: string]: unknown;
};

async function schoolDocs(request: APIRequestContext, school: string): Promise<Doc[]> {
	const { body } = await serverGet<{ rows: { doc: Doc }[] }>(
		request,
		`school-${school}/_all_docs?include_docs=true`
	);
	return body.rows.map((r) => r.doc);
}

/** What a test put on the server, taken away after it so that later tests find the demo as it was. */
let made: { school: string; id: string }[] = [];

const docPath = (school: string, id: string) => `school-${school}/${encodeURIComponent(id)}`;

async function put(request: APIRequestContext, school: string, doc: Doc): Promise<void> {
	await serverPut(request, docPath(school, doc._id), doc);
	made.push({ school, id: doc._id });
}

test.afterEach(async ({ request }) => {
	for (const { school, id } of made) {
		const { body } = await serverGet<{ _rev?: string }>(request, docPath(school, id));
		if (body._rev) await serverDelete(request, docPath(school, id), body._rev);
	}
	made = [];
});

/**
 * A next step of its own at Oakfield, proposed at a visit whose record the head has not confirmed
 * and with no reply from the head, on which work has begun: its progress says "in progress", but it
 * is not agreed. Made for the test (other tests confirm records and reply to the demo's steps).
 */
async function proposedStep(request: APIRequestContext) {
	const users = await demoUsers(request);
	const head = users.heads.find((h) => h.school === 'oakfield')!;
	const docs = await schoolDocs(request, head.school);
	const base = docs.find((d) => d.type === 'next-step')!;
	// A visit of the SIL's whose record is not confirmed, so its steps are only proposed.
	const visit = docs.find(
		(d) => d.type === 'visit' && d.status !== 'confirmed' && d.visitor === users.sil
	)!;
	expect(visit, 'Oakfield has a visit record not yet confirmed').toBeTruthy();
	const uuid = crypto.randomUUID();
	const id = `next-step:${String(base.year)}:${uuid}`;
	const action = `Trial a reading record for every class (${uuid.slice(0, 8)})`;
	const now = new Date().toISOString();
	const step: Doc = { ...base, _id: id, action, visitId: visit._id, createdAt: now };
	delete step._rev;
	delete step.headReply;
	await put(request, head.school, step);
	await put(request, head.school, {
		_id: `progress:${id.slice('next-step:'.length)}:${now}:${crypto.randomUUID()}`,
		schemaVersion: base.schemaVersion,
		type: 'progress-update',
		schoolId: head.school,
		nextStepId: id,
		status: 'in-progress',
		note: 'Reading records printed for two classes',
		by: head.name,
		at: now
	});
	return { ...users, head, id, action, visit };
}

const stepCard = (page: Page, action: string) =>
	page.getByTestId('next-step').filter({ hasText: action });

test('the head reads “you” on their own screens where the SIL reads “the headteacher”', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const { sil, head, id, action, visit } = await proposedStep(request);
	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, head.name);
	await expect(
		page.getByRole('heading', { level: 2, name: /^Proposed, waiting for your agreement/ })
	).toBeVisible();
	await stepCard(page, action).getByRole('link').click();
	const agreement = page.getByTestId('step-agreement');
	await expect(agreement.getByRole('heading')).toHaveText('Your agreement');
	await expect(agreement).toContainText('Proposed: waiting for your agreement');
	await expect(agreement).not.toContainText('headteacher');

	await page.getByRole('button', { name: 'I disagree with this next step' }).click();
	// The head is told who reads their reason by name: the visitor may not be a SIL.
	const reason = page.getByLabel(/Why do you disagree/);
	await expect(reason).toHaveAccessibleName(
		`Why do you disagree? ${String(visit.visitorName)} will see this`
	);
	await reason.fill('The reading lead is on leave this term');
	await page.getByRole('button', { name: 'Send my reason' }).click();
	await expect(
		page.getByText(`Your reason is saved; ${String(visit.visitorName)} will see it.`)
	).toBeVisible();
	await expect(agreement).toContainText('You disagree');
	await expect(agreement).toContainText('Your reason');
	await expect(agreement).not.toContainText('headteacher');
	await expect(page.getByRole('main')).not.toContainText('The headteacher');
	await expect(page.getByTestId('sync-status')).toContainText('All changes sent', {
		timeout: 30_000
	});
	await expect
		.poll(async () => (await schoolDocs(request, head.school)).find((d) => d._id === id))
		.toMatchObject({ headReply: { agrees: false } });
	// The home list groups it under the head's own words too.
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 2, name: /^You disagree/ })).toBeVisible();
	await expect(stepCard(page, action)).toContainText('You disagree');
	// And so does the visit record it was proposed at.
	await page.goto(`/visits/${encodeURIComponent(visit._id)}`);
	await expect(page.getByRole('heading', { level: 2, name: 'Your agreement' })).toBeVisible();
	const onVisit = page.getByTestId('visit-next-step').filter({ hasText: action });
	await expect(onVisit).toContainText('You disagree');
	await expect(onVisit).toContainText('Your reason: “The reading lead is on leave this term”');
	await context.close();

	// The SIL, on the same step, reads about the headteacher.
	const s = await newDevice(browser);
	await signIn(s.page, sil);
	await s.page.goto(`/next-steps/${encodeURIComponent(id)}`);
	const silAgreement = s.page.getByTestId('step-agreement');
	await expect(silAgreement.getByRole('heading')).toHaveText('Agreement with the headteacher');
	await expect(silAgreement).toContainText('The headteacher disagrees');
	await expect(silAgreement).toContainText('The headteacher’s reason');
	await expect(silAgreement).not.toContainText(/\byou\b/i);
	await s.page.goto(`/visits/${encodeURIComponent(visit._id)}`);
	await expect(
		s.page.getByRole('heading', { level: 2, name: 'Agreement with the headteacher' })
	).toBeVisible();
	await expect(s.page.getByTestId('visit-next-step').filter({ hasText: action })).toContainText(
		'The headteacher’s reason'
	);
	await s.context.close();
});

test('a step the head has not agreed says so on its card, not “In progress”', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { sil, head, action } = await proposedStep(request);
	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, head.name);
	const card = stepCard(page, action);
	await expect(card).toContainText('Proposed: waiting for your agreement');
	await expect(card).not.toContainText('In progress');
	// Longer words than a badge's usual: they wrap on the phone rather than run off its side.
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	await context.close();

	const s = await newDevice(browser);
	await signIn(s.page, sil);
	await s.page.goto(`/schools/${head.school}`);
	const silCard = stepCard(s.page, action);
	await expect(silCard).toContainText('Proposed: waiting for the headteacher');
	await expect(silCard).not.toContainText('In progress');
	await s.context.close();
});

test('Back from a next step returns to the list it was opened from, after a reload too', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { head, id, action, visit } = await proposedStep(request);
	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, head.name);
	const home = page.getByRole('heading', { level: 1, name: /: next steps$/ });
	await expect(home).toBeVisible();

	// From the head's home list, and back to it, even after a reload of the step.
	await stepCard(page, action).getByRole('link').click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(action);
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(action);
	await page.getByRole('link', { name: 'Back to your next steps' }).click();
	await expect(home).toBeVisible();
	expect(new URL(page.url()).pathname).toBe('/');

	// From the visit it was proposed at, and back to that visit.
	await page.goto(`/visits/${encodeURIComponent(visit._id)}`);
	const link = page
		.getByTestId('visit-next-step')
		.filter({ hasText: action })
		.getByRole('link', { name: action });
	// A tap target of 44 px on the phone, however short the step's words.
	expect((await link.boundingBox())!.height).toBeGreaterThanOrEqual(44 - 0.5);
	await link.click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(action);
	await page.getByRole('link', { name: 'Back to the visit record' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^SI visit,/ })).toBeVisible();
	expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/visits/${visit._id}`);

	// Anywhere else, or somewhere outside the app, is not followed: Back goes to the school.
	for (const from of ['https://example.com/', '//example.com/', '/settings', '/schools/hawthorn']) {
		await page.goto(`/next-steps/${encodeURIComponent(id)}?from=${encodeURIComponent(from)}`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(action);
		const back = page.locator('main a.back');
		await expect(back, from).toHaveAttribute('href', `/schools/${head.school}`);
	}
	await context.close();
});

/** A next step of its own at the head's school, with `extra` (a reply, a due date) over the demo's. */
async function ownStep(request: APIRequestContext, extra: Partial<Doc>) {
	const users = await demoUsers(request);
	const head = users.heads.find((h) => h.school === 'oakfield')!;
	const base = (await schoolDocs(request, head.school)).find((d) => d.type === 'next-step')!;
	const uuid = crypto.randomUUID();
	const step: Doc = {
		...base,
		_id: `next-step:${String(base.year)}:${uuid}`,
		action: `Share the phonics review with governors (${uuid.slice(0, 8)})`,
		createdAt: new Date().toISOString(),
		...extra
	};
	delete step._rev;
	delete step.visitId;
	if (!('headReply' in extra)) delete step.headReply;
	await put(request, head.school, step);
	return { ...users, head, id: step._id, action: String(step.action) };
}

test('Back returns to the SIL’s home and to the termly overview a step was opened from', async ({
	browser,
	request
}) => {
	test.setTimeout(150_000);
	const at = new Date().toISOString();
	const users = await demoUsers(request);
	const head = users.heads.find((h) => h.school === 'oakfield')!;
	// One the head disagrees with: the SIL's home lists it under the school.
	const disagreed = await ownStep(request, {
		headReply: { agrees: false, reason: 'Governors met last week', by: head.name, at }
	});
	// One the head agreed, due a week ago and not done: the termly overview lists it as overdue.
	const lastWeek = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
	const overdue = await ownStep(request, {
		headReply: { agrees: true, reason: '', by: head.name, at },
		dueDate: lastWeek
	});

	const s = await newDevice(browser);
	await signIn(s.page, users.sil);
	await s.page.getByTestId('head-disagrees').getByRole('link', { name: disagreed.action }).click();
	await expect(s.page.getByRole('heading', { level: 1 })).toHaveText(disagreed.action);
	await s.page.reload();
	await s.page.getByRole('link', { name: 'Back to your schools' }).click();
	await expect(s.page.getByRole('heading', { level: 1, name: 'Your schools' })).toBeVisible();
	expect(new URL(s.page.url()).pathname).toBe('/');
	await s.context.close();

	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, head.name);
	await page.goto(`/schools/${head.school}/overview`);
	await page.getByRole('link', { name: overdue.action }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(overdue.action);
	await page.getByRole('link', { name: /^Back to the school overview/ }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^School overview:/ })).toBeVisible();
	expect(new URL(page.url()).pathname).toBe(`/schools/${head.school}/overview`);
	await context.close();
});

test('Back from a step opened on an earlier term’s overview, and a reload, show that term', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const at = new Date().toISOString();
	const users = await demoUsers(request);
	const head = users.heads.find((h) => h.school === 'oakfield')!;
	// Agreed, due in the first term (which ended on 23 October) and not done: overdue on its overview.
	const overdue = await ownStep(request, {
		headReply: { agrees: true, reason: '', by: head.name, at },
		dueDate: '2026-10-01'
	});

	const { page, context } = await newDevice(browser, PHONE);
	await signIn(page, head.name);
	await page.goto(`/schools/${head.school}/overview`);
	const term = page.getByLabel('Term', { exact: true });
	await expect(term).toBeVisible();
	await term.selectOption('1');
	// The term chosen is in the address: a reload shows it again.
	await expect(page).toHaveURL(new RegExp(`/schools/${head.school}/overview\\?term=1$`));
	await page.reload();
	await expect(term).toHaveValue('1');
	await page.getByRole('link', { name: overdue.action }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(overdue.action);
	await page.reload();
	// Back is a real link, and works offline.
	await context.setOffline(true);
	await page.getByRole('link', { name: /^Back to the school overview/ }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^School overview:/ })).toBeVisible();
	expect(new URL(page.url()).search).toBe('?term=1');
	await expect(term).toHaveValue('1');
	await expect(page.getByRole('link', { name: overdue.action })).toBeVisible();
	await context.setOffline(false);

	// The term's summary for governors returns to it too.
	await page.getByRole('link', { name: 'Termly summary for the local governing body' }).click();
	await expect(page).toHaveURL(new RegExp(`/reports/lgb/1$`));
	await page.getByRole('link', { name: 'Back to the school overview' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^School overview:/ })).toBeVisible();
	expect(new URL(page.url()).search).toBe('?term=1');
	await expect(term).toHaveValue('1');

	// A term the year does not have, typed into the address, shows the current term.
	await page.goto(`/schools/${head.school}/overview?term=9`);
	await expect(term).toBeVisible();
	await expect(term).not.toHaveValue('1');
	await context.close();
});

/**
 * An executive head who is also a school improvement lead, with `roles`, made for the test and
 * removed after it.
 */
async function account(request: APIRequestContext, roles: string[]): Promise<string> {
	const name = `exec.${crypto.randomUUID().slice(0, 8)}`;
	await makeAccount(request, { name, fullName: 'Alex Exec', roles });
	madeAccounts.push(name);
	return name;
}

let madeAccounts: string[] = [];
test.afterEach(async ({ request }) => {
	for (const name of madeAccounts) await removeAccount(request, name);
	madeAccounts = [];
});

/** A visit record shared with the head by `visitor`, made from one of the school's own. */
async function sharedRecord(
	request: APIRequestContext,
	school: string,
	visitor: string,
	visitorName: string
) {
	const base = (await schoolDocs(request, school)).find((d) => d.type === 'visit')!;
	const visit: Doc = {
		...base,
		_id: `${base._id}-${crypto.randomUUID().slice(0, 8)}`,
		visitor,
		visitorName,
		status: 'shared',
		shared: { by: visitor, at: new Date().toISOString() },
		addenda: []
	};
	for (const k of ['_rev', 'confirmation', 'disagreement', '_attachments'] as const)
		delete visit[k];
	await put(request, school, visit);
	return visit;
}

test('a head who is also a SIL is the SIL in a school they support, the head in their own', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { heads } = await demoUsers(request);
	const own = heads.find((h) => h.school === 'oakfield')!.school;
	const supported = 'hawthorn';
	const name = await account(request, [
		'head',
		'sil',
		`head:${own}`,
		`school:${own}`,
		`school:${supported}`
	]);
	const theirs = await sharedRecord(request, supported, name, 'Alex Exec');
	const toConfirm = await sharedRecord(request, own, 'sil', 'Sam Lead');

	const { page, context } = await newDevice(browser);
	await signIn(page, name);
	// They plan visits at a school they support, never at their own.
	const plan = page.getByRole('link', { name: 'Plan a visit' });
	await page.goto(`/schools/${supported}`);
	await expect(plan).toBeVisible();
	await page.goto(`/schools/${own}`);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expect(plan).toHaveCount(0);
	// Their own record, shared, at a school they support: they may take it back, and only that
	// school's head confirms it.
	await page.goto(`/visits/${encodeURIComponent(theirs._id)}`);
	await expect(
		page.getByRole('heading', { level: 2, name: 'Agreement with the headteacher' })
	).toBeVisible();
	await expect(page.getByRole('button', { name: 'Take back to draft to change it' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Confirm the record' })).toHaveCount(0);
	await expect(page.getByRole('main')).toContainText(
		'Shared with the headteacher, waiting for their confirmation.'
	);

	// A record another lead shared at the school they lead: they are its head, and the trust takes
	// their confirmation.
	await page.goto(`/visits/${encodeURIComponent(toConfirm._id)}`);
	await expect(page.getByRole('main')).toContainText('Shared with you');
	await expect(page.getByRole('button', { name: 'Take back to draft to change it' })).toHaveCount(
		0
	);
	await page.getByRole('button', { name: 'Confirm the record' }).click();
	await expect(page.getByText('Thank you: the record is confirmed.')).toBeVisible();
	await expectAllSent(page);
	const { body } = await serverGet<Doc>(
		request,
		`school-${own}/${encodeURIComponent(toConfirm._id)}`
	);
	expect(body).toMatchObject({ status: 'confirmed', confirmation: { by: name } });
	await context.close();
});

test('an account holding both roles without naming its school is never its head', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { heads } = await demoUsers(request);
	const school = heads.find((h) => h.school === 'oakfield')!.school;
	// From before `head:<id>`: the roles cannot say which school is theirs.
	const name = await account(request, ['head', 'sil', `school:${school}`]);
	const theirs = await sharedRecord(request, school, name, 'Alex Exec');
	const another = await sharedRecord(request, school, 'sil', 'Sam Lead');

	const { page, context } = await newDevice(browser);
	await signIn(page, name);
	await page.goto(`/visits/${encodeURIComponent(theirs._id)}`);
	await expect(page.getByRole('button', { name: 'Take back to draft to change it' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Confirm the record' })).toHaveCount(0);
	await page.goto(`/visits/${encodeURIComponent(another._id)}`);
	await expect(
		page.getByRole('heading', { level: 2, name: 'Agreement with the headteacher' })
	).toBeVisible();
	await expect(page.getByRole('button', { name: 'Confirm the record' })).toHaveCount(0);
	await context.close();
});
