import type { Field } from '../fields';
import type { EnterpriseFacts, EnterpriseSize, SrdiLevel } from './facts';

export * from './compare';
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
  /** 科技型中小企业: the registration's validity. */
  techSmeValidUntil: string | null;
  /** 高新技术企业: the certificate's date (issue or renewal) and validity, both or neither. */
  highTechCertifiedOn: string | null;
  highTechValidUntil: string | null;
  /** 专精特新: level and validity, both or neither. */
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
    highTech:
      d.highTechCertifiedOn && d.highTechValidUntil
        ? { certifiedOn: d.highTechCertifiedOn, validUntil: d.highTechValidUntil }
        : null,
    techSme: d.techSmeValidUntil ? { validUntil: d.techSmeValidUntil } : null,
    srdi: d.srdiLevel && d.srdiValidUntil ? { level: d.srdiLevel, validUntil: d.srdiValidUntil } : null,
    creditClean: null,
  };
}
