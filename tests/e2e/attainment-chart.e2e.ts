import { expect, test, type Page } from '@playwright/test';
import { demoUsers, newDevice, signIn } from './helpers.ts';

// Found in the SIL's walk-through at stop 28: the A&A chart's last axis label ("End of year") was
// cut off at the chart's right edge. Every label of every chart lies inside its SVG.

/** Each chart's text that pokes out of its SVG, by how far, in CSS pixels. */
function outside(page: Page) {
	return page.locator('figure svg[role=img]').evaluateAll((svgs) =>
		svgs.flatMap((svg) => {
			const box = svg.getBoundingClientRect();
			return [...svg.querySelectorAll('text')].flatMap((t) => {
				const r = t.getBoundingClientRect();
				const over = Math.max(
					box.left - r.left,
					r.right - box.right,
					box.top - r.top,
					r.bottom - box.bottom
				);
				return over > 0.5 ? [`"${t.textContent}" by ${over.toFixed(1)} px`] : [];
			});
		})
	);
}

for (const viewport of [
	{ width: 1280, height: 800 },
	{ width: 360, height: 740 }
]) {
	test(`every axis label of the A&A chart shows at ${viewport.width} px`, async ({
		browser,
		request
	}) => {
		const { sil, silSchools } = await demoUsers(request);
		const school = silSchools.find((r) => r.startsWith('school:'))!.slice('school:'.length);
		const { page, context } = await newDevice(browser, viewport);
		await signIn(page, sil);
		await page.goto(`/schools/${school}/attainment`);
		const chart = page.locator('figure svg[role=img]').first();
		await expect(chart).toBeVisible();
		// The framework's assessment points, the last one included, are on the axis.
		await expect(chart).toContainText('End of year');
		await chart.scrollIntoViewIfNeeded();
		expect(await outside(page)).toEqual([]);
		await context.close();
	});
}
