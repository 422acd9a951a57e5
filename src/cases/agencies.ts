/**
 * What cases need from the agency directory (src/cases/agencyDirectory.ts, data in knowledge-base/agencies.yaml).
 * Kept as a small interface so the case services can be tested with any directory.
 */
import type { UrgencyLevel } from '../domain/types';
import { vietnamDay, type Agency, type AgencyDirectory } from './agencyDirectory';

export interface AgencyContact {
  id: string;
  name: string;
  emails: string[];
  phones: string[];
}

export interface AreaMatch {
  districtId?: string;
  districtName?: string;
  communeName?: string;
}

export interface AgencyRouting {
  /** The agency for an urgent case: emergency or unknown district → the province point; else the district's centre. */
  route(query: { level: UrgencyLevel; districtId?: string }, at?: Date): AgencyContact | undefined;
  agencyById(id: string, at?: Date): AgencyContact | undefined;
  /** The province coordination point valid at `at` (PROVINCE_POINT_AGENCY, following reorganizations). */
  provincePoint(at?: Date): AgencyContact | undefined;
  /** The district (and commune) named in free text, with or without diacritics. */
  findArea(text: string, at?: Date): AreaMatch | undefined;
  /** Agencies an operator may forward a question to. */
  list(at?: Date): AgencyContact[];
}

/** Valid on the (Vietnam) day of `at`. */
export function validAt(row: { validFrom?: string; validTo?: string }, at: Date): boolean {
  const day = vietnamDay(at);
  return (!row.validFrom || row.validFrom <= day) && (!row.validTo || day <= row.validTo);
}

const contactOf = (a: Agency): AgencyContact => ({ id: a.id, name: a.name, emails: a.emails, phones: a.phones });

/** The case view of the agency directory (knowledge-base/agencies.yaml). */
export function routingOver(directory: AgencyDirectory): AgencyRouting {
  return {
    route: (query, at) => contactOf(directory.route(query, at)),
    agencyById: (id) => {
      const agency = directory.agencyById(id);
      return agency && contactOf(agency);
    },
    provincePoint: (at) => contactOf(directory.provincePoint(at)),
    findArea: (text, at) => {
      const area = directory.findArea(text, at);
      return area && { districtId: area.id, districtName: `${area.type} ${area.name}` };
    },
    list: (at = new Date()) => directory.agencies.filter((a) => validAt(a, at)).map(contactOf),
  };
}
