import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { E2E } from './env.ts';
import { demoUsers, expectAllSent, newDevice, planVisit, serverGet, signIn } from './helpers.ts';

// Issue 15: visit types from the SI menu, each with its booklet preset and counted against the SI
// days allowance as the trust sets; a termly visit starts with the calendar's focus for its term.

type Doc = { _id: string; type?: string; [k: string]: unknown };

// Ashcombe (category 2a, up to 3 days): no other test plans there.
const SCHOOL = 'ashcombe';
const SEND_AREAS = [
	'Identification and assessment of needs',
	'Provision and adaptations in lessons',
	'Outcomes for pupils with SEND',
	'Working with families and other services'
];

async function schoolVisits(request: APIRequestContext): Promise<Doc[]> {
	const { body } = await serverGet<{ rows: { doc: Doc }[] }>(
		request,
		`school-${SCHOOL}/_all_docs?include_docs=true`
	);
	return body.rows.map((r) => r.doc).filter((d) => d.type === 'visit' && d.year === '2026-27');
}

/** SI days planned at the school, counting only the kinds of visit named. */
const plannedOf = (visits: Doc[], counted: (type: string) => boolean) =>
	visits
		.filter((v) => counted(String(v.visitType ?? 'termly')))
		.reduce((sum, v) => sum + Number(v.daysUsed), 0);

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** Ticks or unticks whether SEND reviews count, on the trust settings screen, and sends it. */
async function sendReviewsCount(page: Page, counts: boolean): Promise<void> {
	await page.goto('/admin/trust');
	const box = page
		.getByRole('group', { name: 'Visits counted against a school’s SI days allowance' })
		.getByLabel('SEND review');
	await expect(box).toBeChecked({ checked: !counts });
	await box.setChecked(counts);
	await expect(page.getByTestId('save-state')).toContainText('Saved on this device');
	await expectAllSent(page);
}

test('a SIL plans a SEND review: it starts with the SEND preset and counts against the allowance as the trust sets', async ({
	browser,
	request
}) => {
	test.setTimeout(150_000);
	const { sil, silSchools } = await demoUsers(request);
	expect(silSchools).toContain(`school:${SCHOOL}`);
	const admin = await newDevice(browser);
	await signIn(admin.page, E2E.admin);
	// The trust decides that SEND reviews are not counted against the allowance.
	await sendReviewsCount(admin.page, false);

	const { page, context } = await newDevice(browser);
	await signIn(page, sil);
	await page.goto(`/schools/${SCHOOL}/plan`);
	await expect(page.getByRole('heading', { level: 1, name: 'Plan a visit' })).toBeVisible();
	await page.getByLabel('Kind of visit').selectOption({ label: 'SEND review' });
	// The record will start with the SEND review's areas, not the term's focus.
	await expect(page.getByTestId('start-areas').getByRole('listitem')).toHaveText(
		SEND_AREAS.map((a) => new RegExp(`^${a}`))
	);
	await expect(page.getByLabel(/^SI time/)).toHaveValue('1');
	const before = await schoolVisits(request);
	const counted = plannedOf(before, (t) => t !== 'peer' && t !== 'send');
	const notCounted = page.getByTestId('not-counted');
	await expect(notCounted).toContainText('Not counted against the SI days allowance');
	// The days booked that count: "Planned" when some are still to come, else all used, said once.
	await expect(notCounted).toContainText(new RegExp(`(Planned|Used): ${days(counted)} of up to 3`));
	await expect(page.getByTestId('beyond-allowance')).toHaveCount(0);
	await page.getByRole('button', { name: 'Plan the visit' }).click();

	await expect(page).toHaveURL(/\/visits\//);
	await expect(page.getByRole('heading', { level: 1, name: /^SEND review, / })).toBeVisible();
	for (const area of SEND_AREAS) {
		await expect(page.getByRole('group', { name: area })).toBeVisible();
	}
	await expect(page.getByLabel('SEND report')).toBeVisible();
	await expect(page.getByLabel('Meeting with the SENCo')).toBeVisible();
	await expect(
		page.getByText('This kind of visit does not start with the framework’s evaluations.')
	).toBeVisible();
	await expectAllSent(page);
	const id = decodeURIComponent(page.url().split('/visits/')[1]!.split(/[/?#]/)[0]!);
	await expect
		.poll(async () => (await schoolVisits(request)).find((d) => d._id === id))
		.toMatchObject({ visitType: 'send', daysUsed: 1, status: 'planned', evaluations: [] });

	// Listed as a SEND review on the school's page.
	await page.goto(`/schools/${SCHOOL}`);
	const listed = page.getByTestId('visit').filter({ hasText: 'SEND review' });
	await expect(listed).toHaveCount(1);

	// Once the trust counts SEND reviews again, the one planned counts, and so would the next.
	await sendReviewsCount(admin.page, true);
	await page.goto(`/schools/${SCHOOL}/plan`);
	await page.getByLabel('Kind of visit').selectOption({ label: 'SEND review' });
	await expect(page.getByTestId('not-counted')).toHaveCount(0);
	await expect(
		page.getByText(`With this visit: Planned: ${days(counted + 2)} of up to 3`)
	).toBeVisible();
	await admin.context.close();
	await context.close();
});

test('a new termly visit in spring starts with the report card’s spring areas, the trust’s framework, each removable before and after planning', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const { sil } = await demoUsers(request);
	const { page, context } = await newDevice(browser);
	await signIn(page, sil);
	await page.goto(`/schools/${SCHOOL}/plan`);
	await page.getByLabel('Date').fill('2027-01-20');
	await expect(page.getByLabel('Term')).toHaveValue('3');
	await expect(page.getByLabel('Kind of visit')).toHaveValue('termly');
	// The demo trust evaluates against the 2025 report card: the SEF's spring sections (quality of
	// education, personal development) are its counterparts there, and inclusion.
	const start = page.getByTestId('start-areas').getByRole('listitem');
	await expect(start).toHaveText([
		/^Curriculum and teaching/,
		/^Personal development and well-being/,
		/^Inclusion/
	]);
	// Left out before planning; put back and left out again, as a person changing their mind.
	const personal = 'Personal development and well-being';
	await page.getByRole('button', { name: `Leave out “${personal}”` }).click();
	await expect(start).toHaveText([/^Curriculum and teaching/, /^Inclusion/]);
	await page.getByRole('button', { name: `Put back “${personal}”` }).click();
	await expect(start).toHaveCount(3);
	await page.getByRole('button', { name: `Leave out “${personal}”` }).click();
	await planVisit(page, { keepAreas: true });

	await expect(page).toHaveURL(/\/visits\//);
	await expect(page.getByRole('heading', { level: 1, name: /^SI visit, / })).toBeVisible();
	await expect(page.getByTestId('visit-type')).toHaveText('Termly SI visit');
	const curriculum = page.getByRole('group', { name: 'Curriculum and teaching' });
	await expect(curriculum).toBeVisible();
	await expect(page.getByRole('group', { name: 'Inclusion' })).toBeVisible();
	await expect(page.getByRole('group', { name: personal })).toHaveCount(0);
	// Each is an area the record is evaluated in below, in the same words.
	for (const area of ['Curriculum and teaching', 'Inclusion', personal]) {
		await expect(page.getByRole('combobox', { name: area, exact: true })).toBeVisible();
	}
	await expect(page.getByText('Quality of education')).toHaveCount(0);
	await expectAllSent(page);
	const id = decodeURIComponent(page.url().split('/visits/')[1]!.split(/[/?#]/)[0]!);
	const onServer = async () => (await schoolVisits(request)).find((d) => d._id === id);
	// Polled until the trust has it: the visit may still be on its way (a value thrown from the
	// poll would end it at once), or arrive before its areas do.
	await expect
		.poll(async () =>
			((await onServer())?.discussion as { area: string }[] | undefined)?.map((d) => d.area)
		)
		.toEqual(['Curriculum and teaching', 'Inclusion']);
	expect(await onServer()).toMatchObject({
		visitType: 'termly',
		term: 3,
		frameworkId: 'ofsted-2025'
	});

	// After planning, an area is removed in the record itself.
	await curriculum.getByRole('button', { name: 'Remove “Curriculum and teaching”' }).click();
	await expect(
		page.getByText('Removed the area “Curriculum and teaching” and its notes.')
	).toBeVisible();
	await expect(page.getByRole('group', { name: 'Curriculum and teaching' })).toHaveCount(0);
	await expectAllSent(page);
	await expect
		.poll(
			async () =>
				((await onServer())?.discussion as { area: string }[] | undefined)?.map((d) => d.area),
			{ timeout: 20_000 }
		)
		.toEqual(['Inclusion']);
	await context.close();
});
