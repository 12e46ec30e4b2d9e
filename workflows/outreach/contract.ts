import { defineQuery } from '@temporalio/workflow';
import type { CampaignStatus, ProspectCounts } from '../../domain/outreach';
import type { ProgramConfig } from '../../domain/program';
import type { CatalogProduct } from '../../domain/rules';
import type { Track } from '../../domain/status';

export const OUTREACH_WORKFLOW_TYPE = 'outreachCampaignWorkflow';
export const campaignWorkflowId = (campaignId: string): string => `campaign-${campaignId}`;

/** Pages one run processes before it continues as new: bounds the history of a registry of any size. */
export const PAGES_PER_RUN = 25;

export interface CampaignWorkflowInput {
  campaignId: string;
  track: Track;
  year: number;
  /** Where this run starts: after `cursor` (null: the registry's beginning), with `pagesDone` pages behind it. */
  cursor: string | null;
  pagesDone: number;
  /** The figures so far (a continued run shows them at once). */
  totals?: CampaignTotals;
  /** Tests lower it to see continue-as-new; default PAGES_PER_RUN. */
  pagesPerRun?: number;
}

/** What a campaign judges by, fixed when it is created (Campaign.rules). */
export interface CampaignRules {
  program: ProgramConfig;
  products: CatalogProduct[];
}

/** The campaign workflow's signature, for clients that start it by type name. */
export type OutreachCampaignWorkflow = (input: CampaignWorkflowInput) => Promise<CampaignState>;

export interface CampaignTotals extends ProspectCounts {
  pagesDone: number;
}

/** One page of the registry to process: the activity is idempotent per (campaign, page). */
export interface PageRequest {
  campaignId: string;
  /** 1-based page number. */
  page: number;
  cursor: string | null;
}

export interface PageResult {
  page: number;
  /** Where the next page starts; null after the last page. */
  nextCursor: string | null;
  /** The campaign's figures after this page (the sum of its pages in the database). */
  totals: CampaignTotals;
}

export interface CampaignState extends CampaignTotals {
  status: CampaignStatus;
  cursor: string | null;
}

/** Failure types of the campaign's activities (besides the outside services' in ../contract.ts). */
export const OutreachFailures = {
  /** The campaign's row is gone: nothing to process. */
  CAMPAIGN_NOT_FOUND: 'CampaignNotFound',
} as const;

export const campaignStateQuery = defineQuery<CampaignState>('campaignState');
