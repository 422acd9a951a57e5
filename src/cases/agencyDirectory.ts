/**
 * The agency directory (knowledge-base/agencies.yaml): who receives an urgent case or a forwarded question, and which
 * districts each health centre serves. Every row has a validity period, so a reorganization is a data edit: routing
 * at a date only considers rows valid on that day (Vietnam time) and follows successor_id from a closed row.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { UrgencyLevel } from '../domain/types';
import { extractDistrict } from '../nlp/extract';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD (in quotes)');
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and "-"');
const destination = z.union([z.literal('province_point'), z.literal('district'), id]);

const areaSchema = z.strictObject({
  id,
  type: z.enum(['thành phố', 'thị xã', 'huyện']),
  name: z.string().trim().min(1),
  ascii: z.string().trim().min(1),
  aliases: z.array(z.string().trim().min(1)).default([]),
  valid_from: day.optional(),
  valid_to: day.optional(),
  successor_id: id.optional(),
});

const agencySchema = z.strictObject({
  id,
  kind: z.enum(['province', 'district']),
  name: z.string().trim().min(1),
  short_name: z.string().trim().min(1).optional(),
  aliases: z.array(z.string().trim().min(1)).default([]),
  areas: z.array(id).default([]),
  emails: z.array(z.email()).default([]),
  phones: z.array(z.string().regex(/^\+?[0-9 .]{3,20}$/, 'digits, spaces or dots')).default([]),
  on_call: z.string().trim().min(1).nullable().default(null),
  to_confirm: z.array(z.string()).default([]),
  valid_from: day.optional(),
  valid_to: day.optional(),
  successor_id: id.optional(),
  source: z.string().trim().min(1),
  verified_on: day.optional(),
});

const schema = z.strictObject({
  version: z.union([z.string(), z.number()]),
  snapshot: z.string().optional(),
  updated_on: day.optional(),
  hotlines: z
    .array(z.strictObject({ id, number: z.string().regex(/^[0-9 ]{3,15}$/), name: z.string().min(1), source: z.string().min(1) }))
    .default([]),
  routing: z.strictObject({
    province_point: id,
    emergency: destination.default('province_point'),
    unknown_district: destination.default('province_point'),
    urgent: destination.default('district'),
  }),
  areas: z.array(areaSchema).min(1),
  agencies: z.array(agencySchema).min(1),
});

type AreaRow = z.infer<typeof areaSchema>;
type AgencyRow = z.infer<typeof agencySchema>;

export interface Area {
  id: string;
  type: 'thành phố' | 'thị xã' | 'huyện';
  name: string;
  ascii: string;
  aliases: string[];
  validFrom?: string;
  validTo?: string;
  successorId?: string;
}

export interface Agency {
  id: string;
  kind: 'province' | 'district';
  name: string;
  shortName?: string;
  aliases: string[];
  /** Area ids served (district centres). */
  areaIds: string[];
  emails: string[];
  phones: string[];
  /** Hours someone answers; undefined when unknown. */
  onCall?: string;
  /** Fields whose values are placeholders or unknown. */
  toConfirm: string[];
  validFrom?: string;
  validTo?: string;
  successorId?: string;
  source: string;
  verifiedOn?: string;
}

export interface Hotline {
  id: string;
  number: string;
  name: string;
  source: string;
}

export interface RouteRequest {
  level: UrgencyLevel;
  /** An area id (see findArea); absent or unknown → the province point. */
  districtId?: string;
}

export interface AgencyDirectory {
  readonly version: string;
  readonly areas: readonly Area[];
  readonly agencies: readonly Agency[];
  readonly hotlines: readonly Hotline[];
  /** The agency with this id, whatever its dates. */
  agencyById(id: string): Agency | undefined;
  areaById(id: string): Area | undefined;
  hotline(id: string): Hotline | undefined;
  /** The district named in the text among the areas valid at `at`. */
  findArea(text: string, at?: Date): Area | undefined;
  /** The province coordination point valid at `at` (following successor_id). */
  provincePoint(at?: Date): Agency;
  /** The agency to notify for a case: emergency and unknown district → province point; otherwise the district centre. */
  route(request: RouteRequest, at?: Date): Agency;
}

export interface DirectoryOptions {
  /** Overrides routing.province_point (the setting PROVINCE_POINT_AGENCY). */
  provincePointId?: string;
}

export class AgencyDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgencyDataError';
  }
}

export const DEFAULT_AGENCIES_FILE = path.resolve(__dirname, '../../knowledge-base/agencies.yaml');

/** The calendar day in Vietnam (UTC+7) of an instant, YYYY-MM-DD: validity dates are local days. */
export function vietnamDay(at: Date): string {
  return new Date(at.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

function validOn(row: { validFrom?: string; validTo?: string }, dayKey: string): boolean {
  return (row.validFrom === undefined || row.validFrom <= dayKey) && (row.validTo === undefined || dayKey <= row.validTo);
}

function toArea(r: AreaRow): Area {
  return { id: r.id, type: r.type, name: r.name, ascii: r.ascii, aliases: r.aliases, validFrom: r.valid_from, validTo: r.valid_to, successorId: r.successor_id };
}

function toAgency(r: AgencyRow): Agency {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    shortName: r.short_name,
    aliases: r.aliases,
    areaIds: r.areas,
    emails: r.emails,
    phones: r.phones,
    onCall: r.on_call ?? undefined,
    toConfirm: r.to_confirm,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    successorId: r.successor_id,
    source: r.source,
    verifiedOn: r.verified_on,
  };
}

/** Validates parsed YAML and builds the directory. Errors name the row ("agencies[4] (ttyt-dong-xoai)"). */
export function createAgencyDirectory(raw: unknown, options: DirectoryOptions = {}, source = 'agencies.yaml'): AgencyDirectory {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 12).map((i) => `  - ${describe(raw, i.path)}: ${i.message}`);
    throw new AgencyDataError(`${source} is not valid:\n${lines.join('\n')}`);
  }
  const data = parsed.data;
  const areas = data.areas.map(toArea);
  const agencies = data.agencies.map(toAgency);
  const areaMap = new Map(areas.map((a) => [a.id, a]));
  const agencyMap = new Map(agencies.map((a) => [a.id, a]));
  const hotlines = data.hotlines;

  const problems: string[] = [];
  if (areaMap.size !== areas.length) problems.push('two areas have the same id');
  if (agencyMap.size !== agencies.length) problems.push('two agencies have the same id');
  for (const a of areas) {
    if (a.successorId && !areaMap.has(a.successorId)) problems.push(`area ${a.id}: successor_id "${a.successorId}" is not an area`);
    if (a.validFrom && a.validTo && a.validTo < a.validFrom) problems.push(`area ${a.id}: valid_to is before valid_from`);
  }
  for (const g of agencies) {
    for (const areaId of g.areaIds) if (!areaMap.has(areaId)) problems.push(`agency ${g.id}: area "${areaId}" is not in areas`);
    if (g.kind === 'district' && g.areaIds.length === 0) problems.push(`agency ${g.id}: a district agency needs areas`);
    if (g.successorId && !agencyMap.has(g.successorId)) problems.push(`agency ${g.id}: successor_id "${g.successorId}" is not an agency`);
    if (g.validFrom && g.validTo && g.validTo < g.validFrom) problems.push(`agency ${g.id}: valid_to is before valid_from`);
  }
  const pointId = options.provincePointId ?? data.routing.province_point;
  const point = agencyMap.get(pointId);
  if (!point) problems.push(`the province point "${pointId}" is not an agency`);
  else if (point.kind !== 'province') problems.push(`the province point "${pointId}" is not a province agency`);
  for (const [key, dest] of Object.entries(data.routing)) {
    if (key !== 'province_point' && dest !== 'province_point' && dest !== 'district' && !agencyMap.has(dest)) {
      problems.push(`routing.${key}: "${dest}" is not an agency`);
    }
  }
  if (problems.length > 0) throw new AgencyDataError(`${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  /** The row itself if valid on the day, else the first valid row along its successor_id chain. */
  function current(agency: Agency | undefined, dayKey: string): Agency | undefined {
    const seen = new Set<string>();
    let a = agency;
    while (a && !seen.has(a.id)) {
      if (validOn(a, dayKey)) return a;
      seen.add(a.id);
      a = a.successorId ? agencyMap.get(a.successorId) : undefined;
    }
    return undefined;
  }

  function provincePoint(at: Date = new Date()): Agency {
    const dayKey = vietnamDay(at);
    const found = current(agencyMap.get(pointId), dayKey) ?? agencies.find((a) => a.kind === 'province' && validOn(a, dayKey));
    if (!found) throw new AgencyDataError(`no province coordination point is valid on ${dayKey}: check ${source}`);
    return found;
  }

  function districtCentre(areaId: string, dayKey: string): Agency | undefined {
    const serving = agencies.filter((a) => a.kind === 'district' && a.areaIds.includes(areaId));
    return serving.find((a) => validOn(a, dayKey)) ?? serving.map((a) => current(a, dayKey)).find((a) => a !== undefined);
  }

  /** Resolves a routing destination; anything that cannot be served falls back to the province point. */
  function resolve(dest: string, districtId: string | undefined, at: Date): Agency {
    const dayKey = vietnamDay(at);
    if (dest === 'district') return (districtId !== undefined ? districtCentre(districtId, dayKey) : undefined) ?? provincePoint(at);
    if (dest === 'province_point') return provincePoint(at);
    return current(agencyMap.get(dest), dayKey) ?? provincePoint(at);
  }

  return {
    version: String(data.version),
    areas,
    agencies,
    hotlines,
    agencyById: (agencyId) => agencyMap.get(agencyId),
    areaById: (areaId) => areaMap.get(areaId),
    hotline: (hotlineId) => hotlines.find((h) => h.id === hotlineId),
    findArea(text, at = new Date()) {
      const dayKey = vietnamDay(at);
      return extractDistrict(text, areas.filter((a) => validOn(a, dayKey)));
    },
    provincePoint,
    route(request, at = new Date()) {
      if (request.level === 'emergency') return resolve(data.routing.emergency, request.districtId, at);
      const known = request.districtId !== undefined && areaMap.has(request.districtId);
      if (!known) return resolve(data.routing.unknown_district, undefined, at);
      return resolve(data.routing.urgent, request.districtId, at);
    },
  };
}

/** Reads, parses and validates a directory file (default: knowledge-base/agencies.yaml). */
export function loadAgencyDirectory(file: string = DEFAULT_AGENCIES_FILE, options: DirectoryOptions = {}): AgencyDirectory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AgencyDataError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new AgencyDataError(`${file} is not valid YAML: ${(err as Error).message}`);
  }
  return createAgencyDirectory(raw, options, file);
}

function describe(raw: unknown, pathKeys: ReadonlyArray<PropertyKey>): string {
  let node: unknown = raw;
  let out = '';
  for (const key of pathKeys) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      const rowId = node && typeof node === 'object' && 'id' in node ? (node as { id: unknown }).id : undefined;
      if (typeof rowId === 'string') out += ` (${rowId})`;
    } else {
      out += out === '' ? String(key) : `.${String(key)}`;
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[String(key)] : undefined;
    }
  }
  return out === '' ? '(top level)' : out;
}
