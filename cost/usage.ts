/** What a stack uses in a month: the input of the cost calculation, built by stackUsage.ts. */
import type { LambdaArchitecture } from "../config/stackConfig";

export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

export interface FunctionUsage {
  function: string;
  memoryMb: number;
  architecture: LambdaArchitecture;
  invocationsPerMonth: number;
  /** Average billed duration of one invocation. */
  durationMs: number;
  /** Where durationMs came from: the benchmark or a stated default. */
  durationSource: string;
  /** Instances kept warm all month (0: none); their invocations are billed at the provisioned rate. */
  provisionedConcurrency: number;
}

export interface StackUsage {
  stack: string;
  functions: FunctionUsage[];
  s3: { putsPerMonth: number; getsPerMonth: number; standardGb: number; standardIaGb: number };
  cloudwatch: {
    customMetrics: number;
    putMetricDataRequestsPerMonth: number;
    alarms: number;
    dashboards: number;
    logsIngestedGbPerMonth: number;
    logsStoredGb: number;
  };
  dynamodb: { writesPerMonth: number; readsPerMonth: number };
  sns: { publishesPerMonth: number; emailsPerMonth: number };
  kms: { keys: number; requestsPerMonth: number };
  secretsManager: { secrets: number; apiCallsPerMonth: number };
  sqs: { requestsPerMonth: number };
  xray: { tracesPerMonth: number };
  /** Every assumption behind the numbers above, printed with the estimate. */
  assumptions: string[];
}
