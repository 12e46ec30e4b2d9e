import type { Field } from '../fields';

/**
 * Facts the rules judge. They come from the outside registries (verified) and fall back to what the
 * applicant declared. Dates are calendar days `YYYY-MM-DD`; instants are ISO strings with offset. What the
 * policy or a certificate states as a day is judged and compared as its Beijing day (`shanghaiDate`).
 */
export type SrdiLevel = 'NATIONAL' | 'MUNICIPAL';
export type EnterpriseSize = 'MICRO' | 'SMALL' | 'MEDIUM' | 'LARGE';

/** An enterprise as the market-regulation registry knows it. */
export interface EnterpriseFacts {
  creditCode: string;
  name: string;
  /** Administrative district of registration, e.g. 海淀区. */
  district: string;
  /** Street/town office (街镇) of registration, e.g. 中关村街道; null when unknown. */
  streetOffice: string | null;
  size: EnterpriseSize;
  /** Staff count; null when unknown (declared facts carry none). */
  staff: number | null;
  /** Last year's revenue in fen; null when unknown. */
  revenueFen: number | null;
  foundedOn: string;
  mainField: Field;
  /** National high-tech enterprise certificate (高新技术企业). */
  highTech: { certifiedOn: string; validUntil: string } | null;
  /** Registration as a technology-based SME (科技型中小企业). */
  techSme: { validUntil: string } | null;
  /** 专精特新 qualification. */
  srdi: { level: SrdiLevel; validUntil: string } | null;
  /** Clean credit record; null when unknown. */
  creditClean: boolean | null;
}

/** An insurance policy as its insurer knows it. */
export interface PolicyFacts {
  insurerCode: string;
  policyNumber: string;
  /** The policy holder. */
  creditCode: string;
  productCode: string;
  startDate: string;
  endDate: string;
  premiumFen: number;
  paidPremiumFen: number;
  /** The payment date: a day, or the insurer's instant of payment; either counts as its Beijing day. */
  paidAt: string;
  sumInsuredFen: number;
}

export type ProductKind = 'GROUP_INCLUSIVE' | 'CATALOG';
export type ProductCategory = 'R_AND_D' | 'TRANSFER' | 'OTHER';

/** A product of the district's technology-insurance catalog (科技保险产品目录). */
export interface CatalogProduct {
  productCode: string;
  insurerCode: string;
  name: string;
  kind: ProductKind;
  category: ProductCategory;
  /** Fields the product is exclusive (专属) to; empty for general products. */
  exclusiveFields: Field[];
  activeFrom: string;
  activeTo: string | null;
}
