import type { Track } from './status';

/** Document types an application carries, and which each track requires (DOMAIN.md). */
export const DOCUMENT_TYPES = {
  APPLICATION_FORM: { zh: '申请表', en: 'application form' },
  BUSINESS_LICENCE: { zh: '营业执照', en: 'business licence' },
  CREDIT_REPORT: { zh: '信用报告', en: 'credit report' },
  FINANCIAL_STATEMENTS: { zh: '上年度财务报表', en: "last year's financial statements" },
  SOCIAL_INSURANCE_PROOF: { zh: '社保缴纳证明', en: 'social-insurance proof' },
  POLICY: { zh: '保险单', en: 'insurance policy' },
  PREMIUM_INVOICE: { zh: '保费发票', en: 'premium invoice' },
  INSURER_RECEIPT: { zh: '保险公司保费收据', en: "insurer's premium receipt" },
  PAYMENT_VOUCHER: { zh: '企业付款凭证', en: "enterprise's payment voucher" },
  QUALIFICATION_CERTIFICATE: { zh: '资质证书', en: 'qualification certificate' },
  SUPPLEMENT: { zh: '补充材料', en: 'supplementary material' },
} as const;
export type DocumentType = keyof typeof DOCUMENT_TYPES;
export const DOCUMENT_TYPE_CODES = Object.keys(DOCUMENT_TYPES) as DocumentType[];

const PREMIUM_REIMBURSEMENT: DocumentType[] = [
  'POLICY',
  'PREMIUM_INVOICE',
  'INSURER_RECEIPT',
  'PAYMENT_VOUCHER',
  'QUALIFICATION_CERTIFICATE',
];

export const REQUIRED_DOCUMENTS: Record<Track, readonly DocumentType[]> = {
  INCLUSIVE: [
    'APPLICATION_FORM',
    'BUSINESS_LICENCE',
    'CREDIT_REPORT',
    'FINANCIAL_STATEMENTS',
    'SOCIAL_INSURANCE_PROOF',
  ],
  SRDI: PREMIUM_REIMBURSEMENT,
  FRONTIER: PREMIUM_REIMBURSEMENT,
};

/** Accepted file formats, recognised by content (magic bytes), never by name. */
export type DocumentFormat = 'application/pdf' | 'image/jpeg' | 'image/png';

export function sniffFormat(bytes: Uint8Array): DocumentFormat | null {
  const starts = (sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  return null;
}
