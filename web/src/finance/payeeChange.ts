import type { paths } from '@/api/schema';

/** A change of payee as the API lists it (account numbers masked). */
export type PayeeChange =
  paths['/api/v1/payee-changes']['get']['responses']['200']['content']['application/json']['items'][number];
