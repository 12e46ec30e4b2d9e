import type { Field } from '../fields';
import type { EnterpriseFacts, EnterpriseSize, SrdiLevel } from './facts';

export * from './evaluate';
export * from './facts';
export * from './reasons';

/** What an applicant declares about its enterprise (API `PUT /enterprises/{creditCode}`). */
export interface DeclaredEnterprise {
  creditCode: string;
  name: string;
  district: string;
  size: EnterpriseSize;
  foundedOn: string;
  mainField: Field;
  techCertifiedUntil: string | null;
  srdiLevel: SrdiLevel | null;
  srdiValidUntil: string | null;
}

/** Declared facts in the registry's shape; what the applicant cannot declare stays unknown (null). */
export function declaredFacts(d: DeclaredEnterprise): EnterpriseFacts {
  return {
    creditCode: d.creditCode,
    name: d.name,
    district: d.district,
    streetOffice: null,
    size: d.size,
    staff: null,
    revenueFen: null,
    foundedOn: d.foundedOn,
    mainField: d.mainField,
    highTech: null,
    techSme: d.techCertifiedUntil ? { validUntil: d.techCertifiedUntil } : null,
    srdi: d.srdiLevel && d.srdiValidUntil ? { level: d.srdiLevel, validUntil: d.srdiValidUntil } : null,
    creditClean: null,
  };
}
