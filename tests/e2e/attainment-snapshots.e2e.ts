import { expect, test, type APIRequestContext } from '@playwright/test';
import { demoUsers, expectAllSent, schoolsWithoutHead, serverGet, signIn } from './helpers.ts';

// Issue 15: the A&A booklet keeps a snapshot at the visits of terms 1, 3, 4 and 6; the screen shows
// what changed since the last one. Expected figures are worked out from the demo's own booklet.

type Cell = { cohort?: number; value?: number };
type Booklet = {
	cells: Record<string, Cell>;
	snapshots?: Record<
		string,
		{ visitId: string; visitDate: string; takenBy: string; cells: Record<string, Cell> }
	>;
};

const KEY = 'attendance:all:autumn';

async function booklet(request: APIRequestContext, school: string) {
	const { body } = await serverGet<Booklet>(request, `school-${school}/attainment:2026-27`);
	return body;
}

/** One decimal, with a real minus sign, as the app writes a rate and a change in it. */
const tenths = (x: number) => Math.round(x * 10);
const rate = (x: number) => `${(tenths(x) / 10).toFixed(1)}%`;
function change(now: number, then: number): string {
	const d = tenths(now) - tenths(then);
	const digits = (Math.abs(d) / 10).toFixed(1);
	return d < 0 ? `−${digits} (worse)` : d > 0 ? `+${digits} (better)` : '0.0 (no change)';
}
const enGb = (iso: string) =>
	new Intl.DateTimeFormat('en-GB', {
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		timeZone: 'UTC'
	})
		.format(new Date(`${iso}T00:00:00Z`))
		.replace(/\bSept\b/, 'Sep');

test('the attainment screen shows the change since the figures were kept at the term 1 visit, and keeps them again', async ({
	page,
	request
}) => {
	const users = await demoUsers(request);
	const { sil } = users;
	// The last of the SIL's schools without a head account: no other test edits its booklet.
	const school = schoolsWithoutHead(users).at(-1)!;
	const before = await booklet(request, school);
	const snapshot = before.snapshots!.t1!;
	const then = snapshot.cells[KEY]!.value!;
	const now = before.cells[KEY]!.value!;

	await signIn(page, sil);
	// The term 1 visit's record says the booklet is completed on the day too, and leads to it.
	await page.goto(`/visits/${snapshot.visitId}`);
	const onTheDay = page.getByTestId('completed-on-day');
	await expect(onTheDay).toHaveText(
		'Completed on the day, in the trust’s calendar for Autumn 1 (term 1): SI discussion record booklet; Attainment & Achievement overview booklet.'
	);
	await onTheDay.getByRole('link', { name: 'Attainment & Achievement overview booklet' }).click();
	await expect(page).toHaveURL(new RegExp(`/schools/${school}/attainment`));
	await page.getByLabel('Section').selectOption({ label: 'Attendance and behaviour' });
	await page.getByLabel('Measure').selectOption({ label: 'Attendance' });
	await page.getByLabel('Assessment point').selectOption({ label: 'Autumn' });
	await expect(page.getByTestId('snapshot-last')).toContainText(
		`Compared with the figures kept at the term 1 visit on`
	);
	await expect(page.getByTestId('snapshot-last')).toContainText(enGb(snapshot.visitDate));
	const allPupils = page
		.getByTestId('snapshot-change')
		.getByRole('row')
		.filter({ has: page.getByRole('rowheader', { name: 'All pupils', exact: true }) });
	await expect(allPupils.getByRole('cell')).toHaveText([rate(then), rate(now), change(now, then)]);

	// The SIL keeps the figures as they stand for the term 1 visit: nothing has changed since.
	const visit = page.getByLabel('Visit at which the booklet was updated');
	await visit.selectOption({ index: 0 });
	await expect(visit.locator('option:checked')).toHaveText(
		new RegExp(`^Term 1 visit, .*${enGb(snapshot.visitDate)}$`)
	);
	// Figures were kept at that visit already: the screen says keeping again replaces them.
	await expect(page.getByTestId('snapshot-replaces')).toContainText(
		'Figures were already kept for the term 1 visit'
	);
	await page.getByRole('button', { name: 'Replace the figures kept for the term 1 visit' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Figures kept' })).toContainText(
		'Figures kept for the term 1 visit'
	);
	await expect(allPupils.getByRole('cell')).toHaveText([rate(now), rate(now), '0.0 (no change)']);

	await expectAllSent(page);
	await expect
		.poll(async () => {
			const b = await booklet(request, school);
			return [b.snapshots?.t1?.cells[KEY]?.value, b.snapshots?.t1?.takenBy];
		})
		.toEqual([now, sil]);
});
