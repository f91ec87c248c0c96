import {
	ExternalReview,
	reviewDocId,
	SCHEMA_VERSION,
	schoolDbName
} from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import type { Doc, Storage } from './storage.ts';

type Seeded = Pick<ExternalReview, 'schoolId' | 'kind' | 'on' | 'reviewer' | 'headline'> &
	Partial<Pick<ExternalReview, 'inspection'>>;

/**
 * The demo's inspections (issue 15): each school's last Ofsted inspection, consistent with its
 * category (outstanding for 1, good for 2a and 2b, requires improvement for 3, inadequate for 4),
 * two under the November 2025 report card, the rest under the framework before; and one peer
 * review. All dated before the demo year's autumn half-term, so in the past of any demo start.
 */
const REVIEWS: Seeded[] = [
	{
		schoolId: 'willow-bank',
		kind: 'ofsted',
		on: '2023-03-15',
		reviewer: 'Ofsted',
		headline:
			'Pupils achieve exceptionally well; the curriculum is ambitious and leaders support other schools in the trust.',
		inspection: {
			framework: 'ofsted-2019',
			grades: {
				'overall-effectiveness': 'outstanding',
				'quality-of-education': 'outstanding',
				'behaviour-attitudes': 'outstanding',
				'personal-development': 'outstanding',
				'leadership-management': 'outstanding',
				'early-years': 'good'
			},
			safeguarding: 'met',
			nextWindow: { from: '2027-01-01', to: '2028-07-31' }
		}
	},
	{
		schoolId: 'oakfield',
		kind: 'ofsted',
		on: '2026-03-04',
		reviewer: 'Ofsted',
		headline:
			'Pupils learn to read quickly and behave well; leaders should make sure the mathematics curriculum builds on what pupils know.',
		inspection: {
			framework: 'ofsted-2025',
			grades: {
				inclusion: 'strong',
				'curriculum-teaching': 'expected',
				achievement: 'expected',
				'attendance-behaviour': 'strong',
				'personal-development': 'strong',
				'early-years': 'expected',
				'leadership-governance': 'strong'
			},
			safeguarding: 'met',
			nextWindow: { from: '2029-09-01', to: '2030-07-31' }
		}
	},
	{
		schoolId: 'ashcombe',
		kind: 'ofsted',
		on: '2024-05-22',
		reviewer: 'Ofsted',
		headline:
			'The school continues to be good: pupils are polite and keen to learn, and phonics is taught consistently.',
		inspection: {
			framework: 'ofsted-2019',
			grades: { 'overall-effectiveness': 'good' },
			safeguarding: 'met',
			nextWindow: { from: '2027-09-01', to: '2028-07-31' }
		}
	},
	{
		schoolId: 'hawthorn',
		kind: 'ofsted',
		on: '2022-11-09',
		reviewer: 'Ofsted',
		headline:
			'A good school where pupils feel safe; writing in key stage 2 is weaker than reading and mathematics.',
		inspection: {
			framework: 'ofsted-2019',
			grades: {
				'overall-effectiveness': 'good',
				'quality-of-education': 'good',
				'behaviour-attitudes': 'good',
				'personal-development': 'good',
				'leadership-management': 'good',
				'early-years': 'requires-improvement'
			},
			safeguarding: 'met',
			nextWindow: { from: '2026-09-01', to: '2027-07-31' }
		}
	},
	{
		schoolId: 'st-aidans',
		kind: 'ofsted',
		on: '2024-01-17',
		reviewer: 'Ofsted',
		headline:
			'The curriculum is not taught consistently and too many pupils do not read fluently by the end of year 2.',
		inspection: {
			framework: 'ofsted-2019',
			grades: {
				'overall-effectiveness': 'requires-improvement',
				'quality-of-education': 'requires-improvement',
				'behaviour-attitudes': 'good',
				'personal-development': 'good',
				'leadership-management': 'requires-improvement',
				'early-years': 'requires-improvement'
			},
			safeguarding: 'met',
			nextWindow: { from: '2026-09-01', to: '2027-01-31' }
		}
	},
	{
		schoolId: 'kingsmead',
		kind: 'ofsted',
		on: '2026-01-21',
		reviewer: 'Ofsted',
		headline:
			'Behaviour and attendance have improved well; achievement in phonics and writing needs attention.',
		inspection: {
			framework: 'ofsted-2025',
			grades: {
				inclusion: 'expected',
				'curriculum-teaching': 'needs-attention',
				achievement: 'needs-attention',
				'attendance-behaviour': 'strong',
				'personal-development': 'expected',
				'early-years': 'expected',
				'leadership-governance': 'expected'
			},
			safeguarding: 'met',
			nextWindow: { from: '2027-09-01', to: '2028-01-31' }
		}
	},
	{
		schoolId: 'millbrook',
		kind: 'ofsted',
		on: '2025-06-11',
		reviewer: 'Ofsted',
		headline:
			'Serious weaknesses: pupils do not achieve well across the curriculum and leaders have not tackled weak teaching quickly enough.',
		inspection: {
			framework: 'ofsted-2019',
			grades: {
				'overall-effectiveness': 'inadequate',
				'quality-of-education': 'inadequate',
				'behaviour-attitudes': 'requires-improvement',
				'personal-development': 'requires-improvement',
				'leadership-management': 'inadequate',
				'early-years': 'requires-improvement'
			},
			safeguarding: 'met',
			nextWindow: { from: '2026-06-01', to: '2027-06-30' }
		}
	},
	{
		schoolId: 'hawthorn',
		kind: 'peer',
		on: '2026-10-14',
		reviewer: 'Headteachers of Oakfield and Ashcombe (trust peer review)',
		headline:
			'Writing in years 5 and 6 is improving where teachers model sentences; feedback is not yet used consistently across the key stage.'
	}
];

export async function seedReviews(storage: Storage): Promise<void> {
	const touched = new Set<string>();
	for (const [i, r] of REVIEWS.entries()) {
		const dbName = schoolDbName(r.schoolId);
		const db = await storage.ensure(dbName, defaultSecurity(dbName));
		const doc = ExternalReview.parse({
			_id: reviewDocId(`demo-${r.schoolId}-${i}`),
			schemaVersion: SCHEMA_VERSION,
			type: 'external-review',
			...r,
			recordedBy: 'admin',
			updatedBy: 'admin',
			updatedAt: `${r.on}T16:00:00Z`
		});
		await db.put(doc as Doc);
		touched.add(dbName);
	}
	for (const db of touched) storage.notify(db);
}
