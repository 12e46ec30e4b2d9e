import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../data/db';
import type { Logger } from '../platform/logger';
import type { PdfPrinter } from '../reports';
import type { TokenService } from './auth';

/** What the HTTP layer needs, created once per process and injected. */
export interface ApiDeps {
  config: Config;
  db: Db;
  temporal: Client;
  tokens: TokenService;
  logger: Logger;
  /** Prints PDF reports with the process's one Chromium (started at the first PDF, closed with the API). */
  pdf: PdfPrinter;
}
