/**
 * A year of claims for one member, deterministic from (seed, member key). Members keep
 * a home primary-care group (so attribution later has something to find), see specialists
 * now and then, get labs and imaging, visit the ER or urgent care, and ~15 % of claims are
 * institutional from hospitals. Charges look like chargemaster prices (above the base rate).
 */
import type { ClaimInput, ClaimLineInput } from '../adjudication/index.ts';
import type { Coverage, Member, Organization, Practitioner } from '../registry/index.ts';
import { DIAGNOSES, OUTPATIENT_REVENUE, PROCEDURES, SPECIALTIES, type ProcedureDef } from './code-tables.ts';
import { createPrng, deriveSeed, type Prng } from './prng.ts';
import type { GeneratorOptions, RegistryData } from './registry-generator.ts';

const two = (n: number) => String(n).padStart(2, '0');
const PROC = new Map(PROCEDURES.map((x) => [x.code, x]));
const PRIMARY = new Set(SPECIALTIES.filter((s) => s.primaryCare).map((s) => s.taxonomy));

interface Network {
  readonly contracted: Organization[];
  readonly groups: Organization[];
  readonly hospitals: Organization[];
  readonly outOfNetwork: Organization[];
  readonly staff: Map<string, Practitioner[]>;
}

const networks = new WeakMap<RegistryData, Network>();

function network(r: RegistryData): Network {
  let n = networks.get(r);
  if (n) return n;
  const contractedIds = new Set(r.contracts.map((c) => c.providerOrgId));
  const contracted = r.providers.filter((o) => contractedIds.has(o.id));
  const staff = new Map<string, Practitioner[]>();
  for (const pr of r.practitioners) staff.set(pr.orgId, [...(staff.get(pr.orgId) ?? []), pr]);
  n = {
    contracted,
    groups: contracted.filter((o) => o.providerType !== 'hospital'),
    hospitals: contracted.filter((o) => o.providerType === 'hospital'),
    outOfNetwork: r.providers.filter((o) => !contractedIds.has(o.id)),
    staff,
  };
  networks.set(r, n);
  return n;
}

function age(member: Member, year: number): number {
  return year - Number(member.dateOfBirth.slice(0, 4));
}

/** Whole-dollar charge above the base rate, like a chargemaster price. */
function charge(p: Prng, proc: ProcedureDef, units = 1): number {
  const pct = proc.markupPct + p.int(-20, 40);
  return Math.max(proc.rateCents + 100, Math.round((proc.rateCents * pct) / 10_000) * 100) * units;
}

function dateIn(p: Prng, year: number, coverage: Coverage): string {
  const inside = p.chance(0.92);
  const from = inside && coverage.effectiveFrom > `${year}-01-01` ? coverage.effectiveFrom : `${year}-01-01`;
  const to = inside && coverage.effectiveTo && coverage.effectiveTo < `${year}-12-31` ? coverage.effectiveTo : `${year}-12-31`;
  const a = Date.parse(from);
  const b = Date.parse(to);
  const d = new Date(a + Math.floor(p.next() * ((b - a) / 86_400_000 + 1)) * 86_400_000);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
}

function line(n: number, proc: ProcedureDef, date: string, p: Prng, opts: { units?: number; modifiers?: string[]; pos?: string | null; revenue?: string | null } = {}): ClaimLineInput {
  const units = opts.units ?? 1;
  return {
    lineNumber: n, procedureCode: proc.code, modifiers: opts.modifiers ?? [], revenueCode: opts.revenue ?? null, units: String(units),
    chargeCents: charge(p, proc, units), serviceDateFrom: date, serviceDateTo: date, placeOfService: opts.pos ?? null,
  };
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString().slice(0, 10);
}

export function generateClaimsForMember(opts: GeneratorOptions, registry: RegistryData, member: Member, coverage: Coverage): ClaimInput[] {
  const p = createPrng(deriveSeed(opts.seed, member.key));
  const net = network(registry);
  if (net.groups.length === 0) return [];
  const idx = Number(member.key.replace(/\D/g, '')) || 0;
  const a = age(member, opts.year);
  const ma = coverage.planId === 'plan-ma-hmo';
  // Home primary-care group: sticky per family, so attribution has a plurality to find.
  const home = net.groups[(Number(member.subscriberKey.replace(/\D/g, '')) || idx) % net.groups.length]!;
  const avg = ma ? 7 : a < 18 ? 3 : coverage.planId === 'plan-medicaid' ? 4 : 4;
  const count = p.chance(0.12) ? 0 : p.int(1, avg * 2 - 1);
  const chronic = p.chance(ma ? 0.7 : 0.25) ? [p.pick(DIAGNOSES.chronic), p.pick(DIAGNOSES.chronic)] : [];
  const claims: ClaimInput[] = [];
  for (let k = 0; k < count; k++) {
    const date = dateIn(p, opts.year, coverage);
    const kind = p.weighted([['office', 50], ['preventive', 8], ['specialist', 9], ['imaging', 6], ['er', 4], ['urgent', 3], ['tele', 3], ['dme', 2], ['therapy', 3], ['outpatient', 10], ['inpatient', ma ? 4 : 2]] as const);
    const oon = net.outOfNetwork.length > 0 && p.chance(0.02);
    let org = oon ? p.pick(net.outOfNetwork) : kind === 'outpatient' || kind === 'inpatient' || kind === 'er' ? (net.hospitals.length ? p.pick(net.hospitals) : home) : kind === 'specialist' || kind === 'imaging' ? p.pick(net.contracted) : p.chance(0.85) ? home : p.pick(net.groups);
    if ((kind === 'outpatient' || kind === 'inpatient') && org.providerType !== 'hospital') org = net.hospitals.length ? p.pick(net.hospitals) : org;
    const staff = net.staff.get(org.id) ?? [];
    const wantPrimary = kind === 'office' || kind === 'preventive' || kind === 'tele' || kind === 'urgent';
    const rendering = staff.find((s) => PRIMARY.has(s.taxonomy) === wantPrimary) ?? staff[0] ?? null;
    const acute = p.pick(a < 18 ? DIAGNOSES.pediatric : DIAGNOSES.acute);
    let dx: string[] = [...new Set<string>([kind === 'preventive' ? p.pick(DIAGNOSES.preventive) : chronic.length && p.chance(0.6) ? chronic[0]! : acute, ...chronic.slice(0, p.int(0, 2)), ...(p.chance(0.3) ? [acute] : [])])];
    const lines: ClaimLineInput[] = [];
    let pos: string | null = '11';
    let institutional = false;
    let tob: string | null = null;
    const em = PROC.get(p.weighted([['99212', 15], ['99213', 45], ['99214', 30], ['99215', 10]] as const))!;
    switch (kind) {
      case 'office':
        lines.push(line(1, em, date, p));
        if (p.chance(0.35)) {
          lines.push(line(2, PROC.get('36415')!, date, p), line(3, PROC.get(p.pick(['80053', '83036', '85025', '80061', '84443']))!, date, p));
        }
        if (p.chance(0.1)) lines.push(line(lines.length + 1, PROC.get('93000')!, date, p));
        break;
      case 'preventive': {
        const code = ma ? p.pick(['G0438', 'G0439']) : a < 18 ? '99393' : a < 40 ? '99385' : a < 65 ? '99396' : '99387';
        lines.push(line(1, PROC.get(code)!, date, p), line(2, PROC.get('36415')!, date, p), line(3, PROC.get('80061')!, date, p));
        if (member.gender === 'F' && a >= 40 && p.chance(0.5)) lines.push(line(4, PROC.get('77067')!, date, p));
        break;
      }
      case 'specialist': {
        const e = PROC.get(p.pick(['99203', '99214', '99215']))!;
        lines.push(line(1, e, date, p, p.chance(0.3) ? { modifiers: ['25'] } : {}));
        if (p.chance(0.4)) lines.push(line(2, PROC.get(p.pick(['20610', '11102', '93000', '45378']))!, date, p));
        break;
      }
      case 'imaging': {
        const proc = PROC.get(p.pick(['71046', '73030', '70450', '72148', '77067']))!;
        lines.push(line(1, proc, date, p, proc.modifiers?.length && p.chance(0.5) ? { modifiers: [proc.modifiers[0]!] } : {}));
        pos = p.chance(0.5) ? '11' : '22';
        break;
      }
      case 'er':
        pos = '23';
        lines.push(line(1, PROC.get(p.pick(['99283', '99284', '99285']))!, date, p));
        if (p.chance(0.5)) lines.push(line(2, PROC.get('71046')!, date, p, { modifiers: ['26'] }));
        dx = [p.pick(['R079', 'R1010', 'S93401A', 'J189', 'R0602']), ...dx.slice(0, 1)];
        break;
      case 'urgent':
        pos = '20';
        lines.push(line(1, PROC.get(p.pick(['99213', '99214']))!, date, p));
        break;
      case 'tele':
        pos = '02';
        lines.push(line(1, em, date, p, { modifiers: ['95'] }));
        break;
      case 'dme':
        lines.push(line(1, PROC.get(p.pick(['E0114', 'E0601', 'L3908']))!, date, p));
        pos = '12';
        break;
      case 'therapy': {
        const units = p.int(1, 4);
        lines.push(line(1, PROC.get('97110')!, date, p, { units }), line(2, PROC.get('97140')!, date, p, { units: p.int(1, 2) }));
        break;
      }
      case 'outpatient': {
        institutional = true;
        tob = '131';
        pos = null;
        const picks = [OUTPATIENT_REVENUE[p.int(0, OUTPATIENT_REVENUE.length - 1)]!, ['0300', '80053'] as const, ...(p.chance(0.5) ? [['0250', null] as const] : [])];
        picks.forEach(([rev, code], i) => {
          const proc = code ? PROC.get(code)! : { code: '', rateCents: p.int(20, 200) * 100, markupPct: 300, kind: 'drug' as const };
          lines.push({ ...line(i + 1, proc, date, p, { revenue: rev }), procedureCode: code });
        });
        break;
      }
      case 'inpatient': {
        institutional = true;
        tob = '111';
        pos = null;
        const days = p.int(2, 6);
        const end = addDays(date, days);
        lines.push(
          { lineNumber: 1, procedureCode: null, modifiers: [], revenueCode: '0120', units: String(days), chargeCents: p.int(1800, 3200) * 100 * days, serviceDateFrom: date, serviceDateTo: end, placeOfService: null },
          { ...line(2, PROC.get('80053')!, date, p, { revenue: '0300' }) },
          { ...line(3, PROC.get('71046')!, date, p, { revenue: '0320' }) },
          { lineNumber: 4, procedureCode: null, modifiers: [], revenueCode: '0250', units: '1', chargeCents: p.int(300, 2500) * 100, serviceDateFrom: date, serviceDateTo: end, placeOfService: null },
        );
        dx = [p.pick(['J189', 'I5022', 'J441', 'N390', 'I214']), ...chronic];
        break;
      }
    }
    const total = lines.reduce((s, l) => s + l.chargeCents, 0);
    claims.push({
      kind: institutional ? 'institutional' : 'professional',
      billingNpi: org.npi, billingTin: org.tin, billingName: org.name,
      patientControlNumber: `${org.id.replace(/\D/g, '').slice(-4)}-${idx}-${k + 1}`,
      frequencyCode: '1', memberId: member.memberId, patientFirstName: member.firstName, patientLastName: member.lastName, patientDateOfBirth: member.dateOfBirth,
      placeOfService: institutional ? null : pos, typeOfBill: tob,
      diagnoses: [...new Set(dx)].slice(0, 4).map((code, i) => ({ qualifier: i === 0 ? 'ABK' : 'ABF', code })),
      renderingNpi: rendering?.npi ?? null, totalChargeCents: total,
      lines: lines.map((l, i) => ({ ...l, lineNumber: i + 1, placeOfService: institutional ? null : (l.placeOfService ?? pos) })),
    });
  }
  return claims;
}
