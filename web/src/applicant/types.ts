import type { paths } from '@/api/schema';

export type ApplicationView =
  paths['/api/v1/applications/{id}']['get']['responses']['200']['content']['application/json'];
