// Every workflow the worker runs; the worker bundles this file.
export { applicationWorkflow } from './application/workflow';
export { noticeBatchWorkflow } from './notice/workflow';
export { bankMatchingWorkflow } from './bankMatching/workflow';
export { outreachCampaignWorkflow } from './outreach/workflow';
export { recoveryWorkflow, recoveryReconciliationWorkflow } from './recovery/workflow';
