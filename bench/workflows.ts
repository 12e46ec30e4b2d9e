// The bench worker's bundle: every workflow of the system, and the baseline beside them (never in production).
export * from '../workflows/index';
export { baselineWorkflow } from './baselineWorkflow';
