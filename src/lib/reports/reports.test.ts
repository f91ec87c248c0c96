import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractText, getDocumentProxy } from 'unpdf';
import { nextStep, now, visit, framework, year } from '../../../tests/unit/fixtures';
import { DEFAULT_ATTAINMENT_FRAMEWORK, SCHEMA_VERSION, type School } from '$lib/domain';
import type { SchoolYear } from '$lib/db/overviews';
import { boardPack, governorsReport, lgbReport, type ReportContext } from './build';
import { pdfText, reportPdf, type PdfFonts } from './pdf';
import { formatDate } from '$lib/format';

const ctx: ReportContext = {
	trustName: 'Riverside Learning Trust',
	year,
	term: 2,
	framework,
	frameworks: new Map([[framework.id, framework]]),
	attainmentFramework: DEFAULT_ATTAINMENT_FRAMEWORK,
	threshold: 5,
	today: '2026-11-23'
};
const school: School = {
	_id: 'school:st-aidans',
	schemaVersion: SCHEMA_VERSION,
	type: 'school',
	id: 'st-aidans',
	name: "St Aidan's Church of England Primary School",
	phase: 'primary',
	category: '3',
	strand: 'corrective',
	carterStage: 'repair'
};
const v1 = visit({
	_id: 'visit:2026-27:t1:a',
	schoolId: 'st-aidans',
	term: 1,
	date: '2026-09-17',
	status: 'confirmed',
	evaluations: [{ areaId: 'achievement', gradeId: 'needs-attention', comment: '' }]
});
const v2 = visit({
	_id: 'visit:2026-27:t2:b',
	schoolId: 'st-aidans',
	date: '2026-11-12',
	status: 'draft'
});
// Enough next steps to run over a page, so headings and rows are checked across pages.
const steps = Array.from({ length: 40 }, (_, i) => ({
	step: nextStep({
		_id: `next-step:2026-27:${i}`,
		schoolId: 'st-aidans',
		action: `Next step number ${i}: introduce weekly phonics assessment in Year 1 and share the tracker with the trust`,
		dueDate: i % 2 ? '2026-11-01' : '2027-03-01'
	}),
	status: i % 3 === 0 ? ('done' as const) : ('in-progress' as const),
	lastNote: 'Discussed at the staff meeting.'
}));
const sy: SchoolYear = {
	school,
	visits: [v2, v1],
	steps,
	booklet: null,
	overviews: new Map([
		[
			2,
			{
				_id: 'overview:2026-27:t2',
				schemaVersion: SCHEMA_VERSION,
				type: 'school-overview' as const,
				schoolId: 'st-aidans',
				year: '2026-27',
				term: 2,
				commentary: 'Leadership capacity is stretched.',
				vulnerable: true,
				supportPlan: 'Weekly support from the SIL − with a review at half-term.',
				updatedBy: 'ceo',
				updatedAt: now
			}
		]
	])
};

async function pdfPages(bytes: ArrayBuffer): Promise<string[]> {
	const pdf = await getDocumentProxy(new Uint8Array(bytes));
	const { text } = await extractText(pdf, { mergePages: false });
	return text.map((t) => t.replace(/\s+/g, ' '));
}

describe('reports', () => {
	it('writes characters the PDF fonts lack as their nearest equivalent', () => {
		expect(pdfText('−17.0 ▲ St Aidan’s – ok')).toBe('-17.0  St Aidan’s – ok');
	});

	it('the governors’ report has every visit and every next step with its status, in real text', async () => {
		const report = governorsReport(sy, ctx);
		expect(report.termLabel).toBe('Autumn 2, 2026-27');
		const pages = await pdfPages(await reportPdf(report));
		expect(pages.length).toBeGreaterThan(1);
		for (const [i, page] of pages.entries()) {
			expect(page).toContain('Riverside Learning Trust');
			expect(page).toContain('Autumn 2, 2026-27');
			expect(page).toContain('made on 23 Nov 2026');
			expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
		}
		const all = pages.join(' ');
		expect(all).toContain(`Visit on ${formatDate('2026-09-17')}`);
		expect(all).toContain(`Visit on ${formatDate('2026-11-12')}`);
		expect(all).toContain('Achievement: Needs attention');
		for (const s of steps) {
			const at = all.indexOf(s.step.action);
			expect(at, s.step.action).toBeGreaterThan(-1);
			const status =
				s.status === 'done'
					? 'Done'
					: s.step.dueDate! < ctx.today
						? 'In progress (overdue)'
						: 'In progress';
			expect(all.slice(at, at + 300)).toContain(status);
		}
	});

	it('the LGB summary carries the CEO’s commentary and the support plan', async () => {
		const report = lgbReport(sy, ctx);
		const text = (await pdfPages(await reportPdf(report))).join(' ');
		expect(text).toContain('Leadership capacity is stretched.');
		expect(text).toContain('Weekly support from the SIL - with a review at half-term.');
		expect(text).toContain('Needs attention');
	});

	it('with the embedded font, says what the screen says: minus signs, ▲ ▼ and accented names', async () => {
		const font = (f: string) => new Uint8Array(fs.readFileSync(`static/fonts/${f}-subset.ttf`));
		const fonts: PdfFonts = {
			normal: font('DejaVuSans'),
			bold: font('DejaVuSans-Bold'),
			italic: font('DejaVuSans-Oblique')
		};
		const accented = {
			...sy,
			overviews: new Map([
				[
					2,
					{
						...sy.overviews.get(2)!,
						commentary: 'Met Zoë Brontë-Ñúñez (maths lead): the gap is −3.5 ▲ ▼, not -3.5.'
					}
				]
			])
		};
		const text = (await pdfPages(await reportPdf(boardPack([accented], ctx), fonts))).join(' ');
		expect(text).toContain('Met Zoë Brontë-Ñúñez (maths lead): the gap is −3.5 ▲ ▼, not -3.5.');
		expect(text).toContain('Weekly support from the SIL − with a review at half-term.');
		// The grade's symbol, as the dashboard shows it beside the words.
		expect(text).toContain('● Needs attention');
	});

	it('includes the chosen learning-walk photos of a confirmed visit as images with their words', async () => {
		// A 16 x 12 /9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAoHBwgHBgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEExNDk7Pj4+JS5ESUM8SDc9Pjv/2wBDAQoLCw4NDhwQEBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozv/wAARCAAMABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCaiiivlT6Y/9k=, as photos are stored after resizing on the device.
		const src =
			'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAoHBwgHBgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEExNDk7Pj4+JS5ESUM8SDc9Pjv/2wBDAQoLCw4NDhwQEBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozv/wAARCAAMABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCaiiivlT6Y/9k=';
		const photos = new Map([[v1._id, [{ src, alt: 'Room 1 (Year 4 Maths), photo 1' }]]]);
		const report = governorsReport(sy, ctx, photos);
		const blocks = report.sections.flatMap((s) => s.blocks);
		expect(blocks.filter((b) => b.kind === 'photos')).toEqual([
			{ kind: 'photos', caption: 'Photos from the learning walk', photos: photos.get(v1._id) }
		]);
		const bytes = await reportPdf(report);
		// pdf.js takes the buffer over: give it a copy, the text is read from the original below.
		const pdf = await getDocumentProxy(new Uint8Array(bytes.slice(0)));
		let images = 0;
		for (let n = 1; n <= pdf.numPages; n++) {
			const ops = await (await pdf.getPage(n)).getOperatorList();
			images += ops.fnArray.filter((f) => f === 85 /* OPS.paintImageXObject */).length;
		}
		expect(images).toBe(1);
		expect((await pdfPages(bytes)).join(' ')).toContain('Room 1 (Year 4 Maths), photo 1');
		// Not chosen: no photos.
		expect(
			governorsReport(sy, ctx)
				.sections.flatMap((s) => s.blocks)
				.some((b) => b.kind === 'photos')
		).toBe(false);
	});

	it('the board pack carries the CEO’s commentary of the term and the order rule', () => {
		const report = boardPack([sy], ctx);
		const section = report.sections.find((s) => s.heading === "The chief executive's commentary");
		expect(section?.blocks).toEqual([
			{ kind: 'subheading', text: sy.school.name },
			{ kind: 'paragraph', text: 'Leadership capacity is stretched.' }
		]);
		const none = boardPack([{ ...sy, overviews: new Map() }], ctx).sections.find(
			(s) => s.heading === "The chief executive's commentary"
		);
		expect(none?.blocks).toEqual([
			{
				kind: 'paragraph',
				text: `No commentary has been written this term for ${sy.school.name}.`
			}
		]);
	});

	it('the board pack lists the schools weakest first on landscape pages', async () => {
		const report = boardPack([sy], ctx);
		expect(report.landscape).toBe(true);
		const text = (await pdfPages(await reportPdf(report))).join(' ');
		expect(text).toContain('Marked vulnerable 1');
		expect(text).toContain("St Aidan's Church of England Primary School (3), vulnerable");
	});
});
