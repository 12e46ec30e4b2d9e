import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../services/db';
import type { Logger } from '../services/logger';
import type { PdfPrinter } from '../services/report';
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
