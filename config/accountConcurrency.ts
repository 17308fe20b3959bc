/**
 * Reserved concurrency comes out of the account's concurrency limit, and Lambda refuses any
 * reservation that would leave fewer than 100 executions unreserved. New accounts often start
 * with a limit below what a stack reserves plus 100, and the first `pulumi up` then fails when
 * it sets the functions' reserved concurrency: the preview says so beforehand.
 */
import { STAGES } from "../contract/dataLayout";
import type { StackConfig } from "./stackConfig";

/** Executions Lambda keeps unreserved in every account and region. */
export const MINIMUM_UNRESERVED_CONCURRENCY = 100;

export interface ConcurrencyPrerequisite {
  reserved: number;
  /** The account's concurrency limit the stack needs in its region. */
  requiredAccountLimit: number;
  message: string;
}

export function accountConcurrencyPrerequisite(config: StackConfig, region: string): ConcurrencyPrerequisite {
  const parts = STAGES.map((stage) => `${stage} ${config.lambda[stage].reservedConcurrency}`);
  const reserved = STAGES.reduce((sum, stage) => sum + config.lambda[stage].reservedConcurrency, 0);
  const requiredAccountLimit = reserved + MINIMUM_UNRESERVED_CONCURRENCY;
  const message =
    `Prerequisite: this stack reserves ${reserved} concurrent executions (${parts.join(", ")}) and Lambda keeps ` +
    `${MINIMUM_UNRESERVED_CONCURRENCY} unreserved, so the account's concurrency limit in ${region} must be at least ` +
    `${requiredAccountLimit} or \`pulumi up\` fails when it reserves them. Check it with \`aws lambda get-account-settings ` +
    `--region ${region}\` (AccountLimit.ConcurrentExecutions; new accounts often have 10) and raise it in Service Quotas ` +
    `(AWS Lambda, "Concurrent executions"), or lower lambdaConfig.<stage>.reservedConcurrency.`;
  return { reserved, requiredAccountLimit, message };
}
