/** Case details read from a citizen's message (src/nlp/extract.ts) with the districts valid at that time. */
import type { Clock } from '../store/clock';
import { extractDetails } from '../nlp/extract';
import { validAt } from './agencies';
import type { AgencyDirectory } from './agencyDirectory';
import type { DetailExtractor } from './urgentCases';

export function detailExtractorOver(directory: AgencyDirectory, clock: Clock): DetailExtractor {
  return (text) => {
    const now = clock.now();
    const d = extractDetails(text, directory.areas.filter((a) => validAt(a, now)), now);
    return { who: d.who, onset: d.onset, district: d.district, commune: d.commune, phone: d.phone, districtId: d.districtId };
  };
}
